package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsA512PNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(IconPNG))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v", b)
	}
	if !bytes.Contains(IconSVG, []byte("<svg")) {
		t.Error("IconSVG is not SVG")
	}
}
