package theme

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"

	_ "ptth-inspector/ui/clocale" // quiet under LANG=C.UTF-8, as the binary is
)

func TestRoleColoursDifferPerVariantAndRole(t *testing.T) {
	names := []fyne.ThemeColorName{ColorNameForward, ColorNameReverse, ColorNameComet, ColorNameFlip, ColorNameHint}
	seen := map[color.Color]fyne.ThemeColorName{}
	th := New(FollowSystem)
	for _, n := range names {
		light, dark := th.Color(n, fynetheme.VariantLight), th.Color(n, fynetheme.VariantDark)
		if light == dark {
			t.Errorf("%s is the same in light and dark", n)
		}
		if other, dup := seen[light]; dup {
			t.Errorf("%s and %s share a colour", n, other)
		}
		seen[light] = n
	}
}

func TestModeOverridesSystemVariant(t *testing.T) {
	test.NewTempApp(t)
	bgDark := fynetheme.DefaultTheme().Color(fynetheme.ColorNameBackground, fynetheme.VariantDark)
	bgLight := fynetheme.DefaultTheme().Color(fynetheme.ColorNameBackground, fynetheme.VariantLight)
	if got := New(Dark).Color(fynetheme.ColorNameBackground, fynetheme.VariantLight); got != bgDark {
		t.Errorf("Dark mode on a light system gave background %v", got)
	}
	if got := New(Light).Color(fynetheme.ColorNameBackground, fynetheme.VariantDark); got != bgLight {
		t.Errorf("Light mode on a dark system gave background %v", got)
	}
	if got := New(FollowSystem).Variant(fynetheme.VariantDark); got != fynetheme.VariantDark {
		t.Errorf("FollowSystem gave variant %v", got)
	}
	if New(Dark).Size(fynetheme.SizeNameText) != 13 || New(Dark).Font(Mono) == nil {
		t.Error("text size or monospace font missing")
	}
}

func TestTint(t *testing.T) {
	c := Tint(color.NRGBA{10, 20, 30, 255}, 40)
	if c != (color.NRGBA{10, 20, 30, 40}) {
		t.Errorf("Tint = %v", c)
	}
}
