// Package assets embeds the application icon, as SVG source and as the PNG
// that FyneApp.toml and the window use.
package assets

import _ "embed"

// IconPNG is the 512×512 application icon.
//
//go:embed icon.png
var IconPNG []byte

// IconSVG is the icon's source.
//
//go:embed icon.svg
var IconSVG []byte
