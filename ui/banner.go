package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
)

// banner is the strip under the toolbar that says what went wrong (the
// port is in use, the upstream is unreachable, a capture is damaged) while
// the window keeps working.
type banner struct {
	bg     *canvas.Rectangle
	text   *widget.Label
	action *widget.Button
	box    *fyne.Container
}

func newBanner() *banner {
	b := &banner{bg: canvas.NewRectangle(ptheme.Tint(fynetheme.Color(fynetheme.ColorNameError), 0x30)),
		text: widget.NewLabel(""), action: widget.NewButton("", nil)}
	b.text.Wrapping = fyne.TextWrapWord
	b.action.Hide()
	closeBtn := widget.NewButtonWithIcon("", fynetheme.CancelIcon(), b.hide)
	closeBtn.Importance = widget.LowImportance
	row := container.NewBorder(nil, nil, widget.NewIcon(fynetheme.WarningIcon()), container.NewHBox(b.action, closeBtn), b.text)
	b.box = container.NewStack(b.bg, row)
	b.box.Hide()
	return b
}

func (b *banner) object() fyne.CanvasObject { return b.box }

// show displays msg, with an action button when label is not empty.
func (b *banner) show(msg, label string, action func()) {
	b.bg.FillColor = ptheme.Tint(fynetheme.Color(fynetheme.ColorNameError), 0x30)
	b.bg.Refresh()
	b.text.SetText(msg)
	if label != "" {
		b.action.SetText(label)
		b.action.OnTapped = action
		b.action.Show()
	} else {
		b.action.Hide()
	}
	b.box.Show()
}

func (b *banner) hide() { b.box.Hide() }

// message returns what the banner says, "" when hidden.
func (b *banner) message() string {
	if !b.box.Visible() {
		return ""
	}
	return b.text.Text
}
