package ui

import (
	"bytes"
	"compress/gzip"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

func TestGzippedImageShowsDecodedWithWireBytesOneClickAway(t *testing.T) {
	var img bytes.Buffer
	pic := image.NewRGBA(image.Rect(0, 0, 4, 3))
	pic.Set(1, 1, color.RGBA{255, 0, 0, 255})
	png.Encode(&img, pic)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(img.Bytes())
	zw.Close()
	head := "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Encoding: gzip\r\n\r\n"
	resp := &session.Message{Proto: "HTTP/1.1", Status: 200, Reason: "OK", HeadLen: len(head), BodyLen: int64(gz.Len()),
		Headers: []session.Header{{Name: "Content-Type", Value: "image/png"}, {Name: "Content-Encoding", Value: "gzip"}},
		Raw:     append([]byte(head), gz.Bytes()...), First: t0, Last: t0.Add(time.Millisecond)}

	h := newHarness(t, ptheme.Light)
	st := store.New(nil)
	h.in.attach(st, nil)
	st.PutSession(&session.Session{ID: "s", Client: "127.0.0.1:1", Started: t0})
	st.PutExchange(&session.Exchange{ID: "img", Session: "s", Seq: 1, Direction: session.Reverse, Transport: session.PTTH,
		Request: message("GET /photo.png HTTP/1.1\r\n\r\n", 0), Response: resp})
	h.in.tick()
	h.tapRow("/photo.png")
	h.in.detail.selectTab("Response")
	v := h.in.detail.response.body
	if !v.image.Visible() || v.image.Image == nil || v.image.Image.Bounds().Dx() != 4 {
		t.Fatalf("image preview not shown (info %q)", v.info.Text)
	}
	if !v.encoded.Visible() || !strings.Contains(v.info.Text, "gzip") || !strings.Contains(v.info.Text, "4×3") {
		t.Errorf("info %q, wire-bytes toggle shown %v", v.info.Text, v.encoded.Visible())
	}
	v.encoded.SetChecked(true) // one click: the gzip bytes as they crossed the wire
	if v.image.Visible() || !strings.HasPrefix(v.lines.text(), "00000000  1f 8b 08") {
		t.Errorf("wire bytes view starts %q", v.lines.text()[:min(40, len(v.lines.text()))])
	}
	v.encoded.SetChecked(false)
	v.mode.SetSelected("hex") // the decoded PNG as hex
	if !strings.HasPrefix(v.lines.text(), "00000000  89 50 4e 47") {
		t.Errorf("decoded hex starts %q", v.lines.text()[:40])
	}
}
