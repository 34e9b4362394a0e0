// Package theme is PTTH Inspector's Fyne theme: the stock look with named
// colours for the traffic the inspector shows (forward, reverse, COMET, the
// role flip, hints) and a light or dark variant that follows the system
// unless the user picks one.
package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// Colour names for the inspector's own roles; look them up with
// fynetheme.Color(name) or Theme.Color.
const (
	ColorNameForward fyne.ThemeColorName = "ptth-forward" // client → server exchanges
	ColorNameReverse fyne.ThemeColorName = "ptth-reverse" // server → client exchanges
	ColorNameComet   fyne.ThemeColorName = "ptth-comet"   // COMET events and replies
	ColorNameFlip    fyne.ThemeColorName = "ptth-flip"    // the role-flip divider
	ColorNameHint    fyne.ThemeColorName = "ptth-hint"    // conformance hints
	ColorNamePending fyne.ThemeColorName = "ptth-pending" // exchanges still waiting
	ColorNameError   fyne.ThemeColorName = "ptth-error"   // failed exchanges, 4xx/5xx
	ColorNameStripe  fyne.ThemeColorName = "ptth-stripe"  // waterfall track behind the bars
)

// Mono is the text style for raw wire bytes, hex dumps and bodies.
var Mono = fyne.TextStyle{Monospace: true}

// Mode says which variant the theme draws.
type Mode uint8

// Modes of the theme.
const (
	FollowSystem Mode = iota
	Light
	Dark
)

// Theme is the inspector's fyne.Theme.
type Theme struct {
	mode Mode
}

var _ fyne.Theme = (*Theme)(nil)

// New returns the theme in the given mode.
func New(mode Mode) *Theme { return &Theme{mode: mode} }

// Mode returns the theme's mode.
func (t *Theme) Mode() Mode { return t.mode }

// Variant returns the variant the theme draws given the system's.
func (t *Theme) Variant(system fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.mode {
	case Light:
		return fynetheme.VariantLight
	case Dark:
		return fynetheme.VariantDark
	}
	return system
}

// Color returns the named colour for the variant in force.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.Variant(v)
	if c, ok := roleColor(n, v == fynetheme.VariantDark); ok {
		return c
	}
	return fynetheme.DefaultTheme().Color(n, v)
}

// Font returns the stock fonts.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource { return fynetheme.DefaultTheme().Font(s) }

// Icon returns the stock icons.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return fynetheme.DefaultTheme().Icon(n) }

// Size tightens the stock sizes a little: the inspector shows dense tables.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case fynetheme.SizeNamePadding:
		return 4
	case fynetheme.SizeNameText:
		return 13
	case fynetheme.SizeNameInnerPadding:
		return 6
	}
	return fynetheme.DefaultTheme().Size(n)
}
