package report

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// checkPDF parses the file back as far as a reader must to find its
// pages: the header, the xref table (every offset must point at "N 0 obj"),
// the trailer, and the page tree's count. It returns the page count.
func checkPDF(t *testing.T, data []byte) int {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.4\n")) {
		t.Fatalf("header %q", data[:min(len(data), 9)])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(data[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	var n int
	if _, err := fmt.Sscanf(string(data[xref:]), "xref\n0 %d\n", &n); err != nil {
		t.Fatal(err)
	}
	entries := regexp.MustCompile(`(\d{10}) (\d{5}) ([nf]) \n`).FindAllSubmatch(data[xref:], n)
	if len(entries) != n {
		t.Fatalf("xref lists %d entries, has %d", n, len(entries))
	}
	for i, e := range entries[1:] {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Fatalf("xref entry %d: offset %d holds %q", i+1, off, data[off:min(len(data), off+12)])
		}
	}
	if !bytes.Contains(data, []byte(fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>", n))) {
		t.Error("trailer does not give the size and root")
	}
	c := regexp.MustCompile(`/Type /Pages /Kids \[[^\]]*\] /Count (\d+)`).FindSubmatch(data)
	if c == nil {
		t.Fatal("no page tree")
	}
	pages, _ := strconv.Atoi(string(c[1]))
	if got := bytes.Count(data, []byte("/Type /Page ")); got != pages {
		t.Errorf("page tree counts %d pages, file has %d", pages, got)
	}
	return pages
}

// rasterise renders the PDF's pages with pdftoppm at dpi and returns them.
func rasterise(t *testing.T, pdf []byte, dpi int) []image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm is needed to render the PDF (Debian package poppler-utils; scripts/test installs it)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-png", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	var imgs []image.Image
	for i := range files {
		name := filepath.Join(dir, fmt.Sprintf("p-%d.png", i+1))
		if len(files) >= 10 {
			name = filepath.Join(dir, fmt.Sprintf("p-%02d.png", i+1))
		}
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	return imgs
}

// near reports whether the pixel at x, y (points) of img, rendered at dpi,
// has colour c.
func near(img image.Image, dpi int, x, y float64, c rgb) (bool, string) {
	s := float64(dpi) / 72
	r, g, b, _ := img.At(int(x*s), int(y*s)).RGBA()
	got := rgb{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return d(got.r, c.r) <= 12 && d(got.g, c.g) <= 12 && d(got.b, c.b) <= 12, got.hex()
}
