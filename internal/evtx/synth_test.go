package evtx

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// bx writes BinXML for synthetic records. base is the chunk offset at which
// its bytes will sit, so that inline names get the right offsets.
type bx struct {
	b    []byte
	base int
}

func (x *bx) u8(v byte)    { x.b = append(x.b, v) }
func (x *bx) u16(v uint16) { x.b = binary.LittleEndian.AppendUint16(x.b, v) }
func (x *bx) u32(v uint32) { x.b = binary.LittleEndian.AppendUint32(x.b, v) }

// name writes a name reference with the name stored inline after it.
func (x *bx) name(s string) {
	x.u32(uint32(x.base + len(x.b) + 4))
	x.u32(0) // link
	x.u16(0) // hash
	x.u16(uint16(len(s)))
	x.b = append(x.b, utf16le(s)...)
	x.u16(0)
}

// open writes an element start; dep says whether it has the dependency
// identifier (absent in nested values).
func (x *bx) open(name string, attrs, dep bool) {
	if attrs {
		x.u8(0x41)
	} else {
		x.u8(0x01)
	}
	if dep {
		x.u16(0xffff)
	}
	x.u32(0) // data size, unused by the reader
	x.name(name)
	if attrs {
		x.u32(0) // attribute list size, unused by the reader
	}
}

func (x *bx) attr(name string) { x.u8(0x06); x.name(name) }
func (x *bx) closeStart()      { x.u8(0x02) }
func (x *bx) closeEmpty()      { x.u8(0x03) }
func (x *bx) end()             { x.u8(0x04) }
func (x *bx) fragmentHeader()  { x.b = append(x.b, 0x0f, 1, 1, 0) }
func (x *bx) text(s string) {
	x.u8(0x05)
	x.u8(typeString)
	x.u16(uint16(len(s)))
	x.b = append(x.b, utf16le(s)...)
}
func (x *bx) sub(id uint16, t byte) { x.u8(0x0d); x.u16(id); x.u8(t) }
func (x *bx) opt(id uint16, t byte) { x.u8(0x0e); x.u16(id); x.u8(t) }

// leaf writes <name>text</name>.
func (x *bx) leaf(name, text string, dep bool) {
	x.open(name, false, dep)
	x.closeStart()
	x.text(text)
	x.end()
}

// record wraps a record body in the record header and size copy.
func record(id uint64, body []byte) []byte {
	size := uint32(minRecordSize + len(body))
	r := slices.Concat(recordMagic, le32(size), le64(id), le64(133425636084971709), body, le32(size))
	return r
}

// chunkOf builds a chunk holding records, with its header filled in; the
// checksums are set by fuzzFile.
func chunkOf(records ...[]byte) []byte {
	c := make([]byte, chunkHeaderSize)
	copy(c, chunkMagic)
	binary.LittleEndian.PutUint32(c[40:], 128)
	for _, r := range records {
		c = append(c, r...)
	}
	binary.LittleEndian.PutUint32(c[48:], uint32(len(c)))
	return c
}

// TestWrittenOutRecord reads a record whose BinXML has no template, as in
// forwarded events: elements, attributes and text written out in full.
func TestWrittenOutRecord(t *testing.T) {
	x := &bx{base: chunkHeaderSize + recordHeaderSize}
	x.fragmentHeader()
	x.open("Event", false, true)
	x.closeStart()
	x.open("System", false, true)
	x.closeStart()
	x.open("Provider", true, true)
	x.attr("Name")
	x.text("Forwarder")
	x.closeEmpty()
	x.leaf("EventID", "4624", true)
	x.leaf("EventRecordID", "77", true)
	x.leaf("Computer", "dc1.example", true)
	x.end()
	x.open("EventData", false, true)
	x.closeStart()
	x.open("Data", true, true)
	x.attr("Name")
	x.text("TargetUserName")
	x.closeStart()
	x.text("alice")
	x.u8(0x08) // character reference: '&'
	x.u16('&')
	x.text("bob")
	x.end()
	x.leaf("Data", "first", true)
	x.leaf("Data", "second", true)
	x.leaf("Binary", "00FF", true)
	x.end()
	x.end()
	x.u8(0)
	data := fuzzFile(chunkOf(record(77, x.b)))
	ev := readOne(t, data)
	want := map[string][]string{
		"Provider_Name":  {"Forwarder"},
		"EventID":        {"4624"},
		"EventRecordID":  {"77"},
		"Computer":       {"dc1.example"},
		"TargetUserName": {"alice&bob"},
		"Data":           {"first", "second"},
		"Binary":         {"00FF"},
	}
	checkFields(t, ev, want)
	if ev.Record != 77 || ev.Host != "dc1.example" || ev.Source != "synthetic.evtx" {
		t.Errorf("record %d host %q source %q", ev.Record, ev.Host, ev.Source)
	}
}

// TestTemplateRecord reads a record through a template with the cases real
// logs rarely show together: an attribute that is not a field (Qualifiers),
// an optional substitution left NULL, a FILETIME attribute, an array, a field
// named by a substitution, and UserData as a nested BinXML value whose
// elements lack the dependency identifier.
func TestTemplateRecord(t *testing.T) {
	const bodyStart = chunkHeaderSize + recordHeaderSize
	def := &bx{base: bodyStart + 4 + 10 + 24}
	def.fragmentHeader()
	def.open("Event", false, true)
	def.closeStart()
	def.open("System", false, true)
	def.closeStart()
	def.open("EventID", true, true)
	def.attr("Qualifiers")
	def.sub(0, typeUint16)
	def.closeStart()
	def.sub(1, typeUint16)
	def.end()
	def.open("TimeCreated", true, true)
	def.attr("SystemTime")
	def.sub(2, typeFileTime)
	def.closeEmpty()
	def.open("Correlation", true, true)
	def.attr("ActivityID")
	def.opt(3, typeGUID)
	def.closeEmpty()
	def.end()
	def.open("EventData", false, true)
	def.closeStart()
	def.open("Data", true, true)
	def.attr("Name")
	def.text("List")
	def.closeStart()
	def.sub(4, typeString|typeArray)
	def.end()
	def.open("Data", true, true)
	def.attr("Name")
	def.sub(5, typeString)
	def.closeStart()
	def.sub(6, typeUint32)
	def.end()
	def.end()
	def.open("UserData", false, true)
	def.closeStart()
	def.sub(7, typeBinXML)
	def.end()
	def.end()
	def.u8(0)

	body := &bx{base: bodyStart}
	body.fragmentHeader()
	body.u8(0x0c)
	body.u8(1)
	body.u32(0x11223344) // template id
	body.u32(uint32(bodyStart + len(body.b) + 4))
	body.u32(0) // next definition
	body.b = append(body.b, bytes.Repeat([]byte{0xab}, 16)...)
	body.u32(uint32(len(def.b)))
	body.b = append(body.b, def.b...)

	values := [][]byte{
		le16(16384),
		le16(7045),
		le64(133425636084971709),
		nil,
		utf16le("a\x00b\x00"),
		utf16le("Dyn"),
		le32(5),
	}
	types := []byte{typeUint16, typeUint16, typeFileTime, typeNull, typeString | typeArray, typeString, typeUint32, typeBinXML}
	valuesStart := bodyStart + len(body.b) + 4 + 4*len(types)
	for _, v := range values {
		valuesStart += len(v)
	}
	nested := &bx{base: valuesStart}
	nested.open("EventXML", false, false)
	nested.closeStart()
	nested.leaf("User", "bob", false)
	nested.open("Param", false, false)
	nested.closeStart()
	nested.open("Data", true, false)
	nested.attr("Name")
	nested.text("ServiceName")
	nested.closeStart()
	nested.text("evil")
	nested.end()
	nested.end()
	nested.end()
	values = append(values, nested.b)

	body.u32(uint32(len(types)))
	for i, v := range values {
		body.u16(uint16(len(v)))
		body.u8(types[i])
		body.u8(0)
	}
	for _, v := range values {
		body.b = append(body.b, v...)
	}
	data := fuzzFile(chunkOf(record(9, body.b)))
	ev := readOne(t, data)
	checkFields(t, ev, map[string][]string{
		"EventID":     {"7045"},
		"TimeCreated": {"2023-10-23T19:40:08.497170Z"},
		"List":        {"a", "b"},
		"Dyn":         {"5"},
		"User":        {"bob"},
		"ServiceName": {"evil"},
	})
	for _, absent := range []string{"Qualifiers", "ActivityID", "EventXML", "Param"} {
		if _, ok := ev.GetName(absent); ok {
			t.Errorf("field %s should be absent", absent)
		}
	}
	if want := time.Date(2023, 10, 23, 19, 40, 8, 497170900, time.UTC); !ev.Time.Equal(want) {
		t.Errorf("Time = %v, want %v", ev.Time, want)
	}
}

// readOne reads the single record of data, failing on any problem.
func readOne(t *testing.T, data []byte) *event.Event {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "synthetic.evtx")
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	if err := r.Next(&ev); err != nil {
		t.Fatalf("Next: %v; problems %v", err, r.Stats().Problems)
	}
	if st := r.Stats(); len(st.Problems) > 0 {
		t.Fatalf("problems: %v", st.Problems)
	}
	return &ev
}

func checkFields(t *testing.T, ev *event.Event, want map[string][]string) {
	t.Helper()
	for name, vals := range want {
		id := event.Intern(name)
		var got []string
		for i := ev.Index(id); i >= 0; i = ev.Next(i) {
			got = append(got, ev.Value(i))
		}
		if !slices.Equal(got, vals) {
			t.Errorf("field %s = %q, want %q", name, got, vals)
		}
	}
}
