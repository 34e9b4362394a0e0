package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // GIF previews
	_ "image/jpeg" // JPEG previews
	_ "image/png"  // PNG previews

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/ui/body"
)

// syncBodyLimit is the largest body prepared on the UI goroutine; bigger
// ones are read and pretty-printed in the background.
const syncBodyLimit = 256 << 10

const modeAuto = "auto"

// bodyViewer shows one message body: pretty, as text, as hex or as an
// image, decoded from its Content-Encoding with the wire bytes a click away.
type bodyViewer struct {
	in      *inspector
	info    *widget.Label
	mode    *widget.Select
	encoded *widget.Check
	copy    *widget.Button
	lines   *linesView
	image   *canvas.Image
	box     fyne.CanvasObject

	msg  *session.Message
	body body.Body
	kind body.Kind // detected
	gen  int       // bumps on every show, so late background results are dropped
}

func newBodyViewer(in *inspector) *bodyViewer {
	v := &bodyViewer{in: in, info: widget.NewLabel(""), lines: newLinesView(), image: canvas.NewImageFromImage(nil)}
	v.info.Truncation = fyne.TextTruncateEllipsis
	modes := []string{modeAuto}
	for _, k := range body.Kinds {
		modes = append(modes, k.String())
	}
	v.mode = widget.NewSelect(modes, nil)
	v.mode.SetSelected(modeAuto)
	v.mode.OnChanged = func(string) { v.render() }
	v.encoded = widget.NewCheck("wire bytes", nil)
	v.encoded.Hide()
	v.copy = widget.NewButtonWithIcon("Copy body", fynetheme.ContentCopyIcon(), v.copyBody)
	v.image.FillMode = canvas.ImageFillContain
	v.image.SetMinSize(fyne.NewSize(160, 120))
	v.image.Hide()
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.encoded, v.mode, v.copy), v.info)
	v.box = container.NewBorder(bar, nil, nil, nil, container.NewStack(v.lines.object(), v.image))
	return v
}

func (v *bodyViewer) object() fyne.CanvasObject { return v.box }

// show loads m's body (nil clears the viewer).
func (v *bodyViewer) show(m *session.Message) {
	v.gen++
	v.msg = m
	v.body, v.kind = body.Body{}, body.Empty
	if m == nil {
		v.render()
		return
	}
	size := m.BodyLen
	if m.Ref != nil {
		size = max(size, m.Ref.Len)
	}
	if size <= syncBodyLimit {
		v.loaded(m, loadBody(m))
		return
	}
	v.info.SetText(fmt.Sprintf("reading %s…", byteSize(size)))
	v.lines.set(nil)
	gen := v.gen
	go func() {
		b := loadBody(m)
		v.in.do(func() {
			if gen == v.gen {
				v.loaded(m, b)
			}
		})
	}()
}

// loadedBody is a body with its detected kind.
type loadedBody struct {
	body.Body
	kind body.Kind
}

func loadBody(m *session.Message) loadedBody {
	b := body.Load(m)
	return loadedBody{b, body.Detect(m.Header("Content-Type"), b.Decoded)}
}

func (v *bodyViewer) loaded(m *session.Message, b loadedBody) {
	v.body, v.kind = b.Body, b.kind
	v.encoded.OnChanged, v.mode.OnChanged = nil, nil // a new body starts in auto, decoded
	v.encoded.SetChecked(false)
	v.mode.SetSelected(modeAuto)
	v.encoded.OnChanged = func(bool) { v.render() }
	v.mode.OnChanged = func(string) { v.render() }
	if b.Encoding != "" {
		v.encoded.SetText("wire bytes (" + b.Encoding + ")")
		v.encoded.Show()
	} else {
		v.encoded.Hide()
	}
	v.render()
}

// shown returns the bytes on display and the kind they are shown as.
func (v *bodyViewer) shown() ([]byte, body.Kind) {
	b, k := v.body.Decoded, v.kind
	if v.encoded.Checked {
		b, k = v.body.Wire, body.Binary
	}
	if sel := v.mode.Selected; sel != modeAuto {
		for _, kk := range body.Kinds {
			if kk.String() == sel {
				k = kk
			}
		}
	}
	return b, k
}

// render draws the body in the chosen mode.
func (v *bodyViewer) render() {
	b, k := v.shown()
	info := v.describe(b)
	v.image.Hide()
	v.lines.object().Show()
	switch {
	case len(b) == 0 && v.body.Err != nil:
		// Say it where the body would be, whole: the info line cuts it.
		v.lines.set(body.StringLines{"The body could not be read from the capture file:", v.body.Err.Error()})
	case len(b) == 0:
		v.lines.set(nil)
	case k == body.Image:
		if img, _, err := image.Decode(bytes.NewReader(b)); err == nil {
			v.image.Image = img
			v.image.Refresh()
			v.image.Show()
			v.lines.object().Hide()
			info += fmt.Sprintf(" · %d×%d", img.Bounds().Dx(), img.Bounds().Dy())
			break
		}
		info += " · not a decodable image, shown as hex"
		v.lines.set(body.HexLines(b))
	case k == body.Binary:
		v.lines.set(body.HexLines(b))
	case k == body.JSON || k == body.XML || k == body.Plist:
		if len(b) > syncBodyLimit {
			v.prettyLater(b, k, info)
			return
		}
		out, err := body.Pretty(k, b)
		if err != nil {
			info += fmt.Sprintf(" · not valid %s (%v), shown as text", k, err)
		}
		v.lines.set(body.NewTextLines(out))
	default:
		v.lines.set(body.NewTextLines(b))
	}
	v.info.SetText(info)
}

// prettyLater pretty-prints a large body in the background.
func (v *bodyViewer) prettyLater(b []byte, k body.Kind, info string) {
	v.info.SetText(info + " · formatting…")
	v.lines.set(body.NewTextLines(b))
	gen := v.gen
	go func() {
		out, err := body.Pretty(k, b)
		v.in.do(func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				v.info.SetText(fmt.Sprintf("%s · not valid %s (%v), shown as text", info, k, err))
				return
			}
			v.info.SetText(info)
			v.lines.set(body.NewTextLines(out))
		})
	}()
}

// describe writes the info line: size, type, coding, problems.
func (v *bodyViewer) describe(b []byte) string {
	if v.msg == nil {
		return ""
	}
	if len(b) == 0 && v.body.Err == nil {
		return "no body"
	}
	s := byteSize(int64(len(b)))
	if ct := v.msg.Header("Content-Type"); ct != "" {
		s += " · " + ct
	}
	if v.body.Encoding != "" {
		s += fmt.Sprintf(" · %s %s → %s", v.body.Encoding, byteSize(int64(len(v.body.Wire))), byteSize(int64(len(v.body.Decoded))))
	}
	if v.msg.Truncated {
		s += " · cut at the capture limit"
	}
	switch {
	case v.body.Err != nil && len(b) == 0:
		s += " · unreadable (see below)"
	case v.body.Err != nil:
		s += " · " + v.body.Err.Error()
	}
	return s
}

func (v *bodyViewer) copyBody() {
	b, _ := v.shown()
	v.in.app.Clipboard().SetContent(string(b))
}
