package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
)

// headerTable is the editor's header list in wire order: a name and a
// value entry per header, a remove button each, and an add button below.
type headerTable struct {
	rows     []*headerRow
	list     *fyne.Container // the rows
	box      fyne.CanvasObject
	onChange func() // a person edited, added or removed a header
	syncing  bool   // set while the table is filled from the model
	lockCL   bool   // Content-Length values follow the body: not editable
}

// headerRow is one header of the table.
type headerRow struct {
	name, value *widget.Entry
	del         *widget.Button
	obj         fyne.CanvasObject
}

func newHeaderTable(onChange func()) *headerTable {
	t := &headerTable{list: container.NewVBox(), onChange: onChange}
	add := widget.NewButtonWithIcon("Add header", fynetheme.ContentAddIcon(), func() {
		t.addRow(session.Header{})
		t.changed()
		if n := len(t.rows); n > 0 {
			if c := fyne.CurrentApp().Driver().CanvasForObject(t.list); c != nil {
				c.Focus(t.rows[n-1].name)
			}
		}
	})
	add.Importance = widget.LowImportance
	t.box = container.NewVBox(t.list, container.NewHBox(add))
	return t
}

func (t *headerTable) object() fyne.CanvasObject { return t.box }

// addRow appends a row for h.
func (t *headerTable) addRow(h session.Header) *headerRow {
	r := &headerRow{name: widget.NewEntry(), value: widget.NewEntry()}
	r.name.SetPlaceHolder("Name")
	r.value.SetPlaceHolder("(empty)")
	r.name.TextStyle, r.value.TextStyle = fyne.TextStyle{Monospace: true}, fyne.TextStyle{Monospace: true}
	r.name.SetText(h.Name)
	r.value.SetText(h.Value)
	r.name.OnChanged = func(string) { t.lockRow(r); t.changed() }
	r.value.OnChanged = func(string) { t.changed() }
	r.del = widget.NewButtonWithIcon("", fynetheme.ContentRemoveIcon(), func() { t.remove(r) })
	r.del.Importance = widget.LowImportance
	r.obj = container.NewBorder(nil, nil, nil, r.del, container.New(&headerCells{}, r.name, r.value))
	t.rows = append(t.rows, r)
	t.list.Add(r.obj)
	t.lockRow(r)
	return r
}

// remove deletes row r.
func (t *headerTable) remove(r *headerRow) {
	for i, x := range t.rows {
		if x == r {
			t.rows = append(t.rows[:i], t.rows[i+1:]...)
			t.list.Remove(r.obj)
			t.changed()
			return
		}
	}
}

func (t *headerTable) changed() {
	if !t.syncing && t.onChange != nil {
		t.onChange()
	}
}

// headers returns the table's headers; rows without a name are left out.
func (t *headerTable) headers() []session.Header {
	out := make([]session.Header, 0, len(t.rows))
	for _, r := range t.rows {
		if r.name.Text != "" {
			out = append(out, session.Header{Name: r.name.Text, Value: r.value.Text})
		}
	}
	return out
}

// set shows hs. Rows keep their entries (and the focus) when the number of
// headers is unchanged; texts are only written where they differ.
func (t *headerTable) set(hs []session.Header) {
	t.syncing = true
	defer func() { t.syncing = false }()
	if len(hs) != len(t.rows) {
		t.rows = nil
		t.list.RemoveAll()
		for _, h := range hs {
			t.addRow(h)
		}
		t.list.Refresh()
		return
	}
	for i, h := range hs {
		r := t.rows[i]
		if r.name.Text != h.Name {
			r.name.SetText(h.Name)
		}
		if r.value.Text != h.Value {
			r.value.SetText(h.Value)
		}
		t.lockRow(r)
	}
}

// setLength writes n into every Content-Length value.
func (t *headerTable) setLength(n int) {
	t.syncing = true
	defer func() { t.syncing = false }()
	v := strconv.Itoa(n)
	for _, r := range t.rows {
		if strings.EqualFold(strings.TrimSpace(r.name.Text), "Content-Length") && r.value.Text != v {
			r.value.SetText(v)
		}
	}
}

// setLengthLocked makes Content-Length values read-only (they follow the
// body) or editable again.
func (t *headerTable) setLengthLocked(lock bool) {
	t.lockCL = lock
	for _, r := range t.rows {
		t.lockRow(r)
	}
}

func (t *headerTable) lockRow(r *headerRow) {
	if t.lockCL && strings.EqualFold(strings.TrimSpace(r.name.Text), "Content-Length") {
		r.value.Disable()
	} else {
		r.value.Enable()
	}
}

// headerCells gives the name a third of the row and the value the rest.
type headerCells struct{}

// Layout places name and value side by side.
func (headerCells) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 2 {
		return
	}
	pad := fynetheme.Padding()
	nameW := min(max(size.Width/3, 120), 260)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(nameW, size.Height))
	objs[1].Move(fyne.NewPos(nameW+pad, 0))
	objs[1].Resize(fyne.NewSize(max(size.Width-nameW-pad, 0), size.Height))
}

// MinSize is two narrow entries side by side.
func (headerCells) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(240, h)
}
