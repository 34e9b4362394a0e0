package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
)

// palette holds a role colour for the light and the dark variant.
type palette struct{ light, dark color.NRGBA }

var roles = map[fyne.ThemeColorName]palette{
	ColorNameForward: {rgb(0x1c, 0x64, 0xd6), rgb(0x6e, 0xa8, 0xfe)},
	ColorNameReverse: {rgb(0xd9, 0x48, 0x0f), rgb(0xff, 0x92, 0x2b)},
	ColorNameComet:   {rgb(0x0b, 0x81, 0x6e), rgb(0x38, 0xd9, 0xa9)},
	ColorNameFlip:    {rgb(0x9c, 0x36, 0xb5), rgb(0xda, 0x77, 0xf2)},
	ColorNameHint:    {rgb(0xb0, 0x7a, 0x00), rgb(0xfc, 0xc4, 0x19)},
	ColorNamePending: {rgb(0x86, 0x8e, 0x96), rgb(0x86, 0x8e, 0x96)},
	ColorNameError:   {rgb(0xc9, 0x2a, 0x2a), rgb(0xff, 0x6b, 0x6b)},
	ColorNameStripe:  {color.NRGBA{0, 0, 0, 0x12}, color.NRGBA{0xff, 0xff, 0xff, 0x14}},
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 0xff} }

func roleColor(n fyne.ThemeColorName, dark bool) (color.Color, bool) {
	p, ok := roles[n]
	if !ok {
		return nil, false
	}
	if dark {
		return p.dark, true
	}
	return p.light, true
}

// Tint returns c at the given opacity (0–255), for row backgrounds.
func Tint(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), alpha}
}
