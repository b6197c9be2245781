package event

import "time"

// Header is the metadata of an encoded event as ScanBinary reads it. Its
// byte slices point into the encoded data.
type Header struct {
	Time                                     time.Time
	Record                                   uint64
	Source, Host, Product, Category, Service []byte
}

// ScanBinary reads an event encoded by AppendBinary without building an
// Event, for a consumer that only looks at the bytes (an index): it returns
// the metadata and calls field, if not nil, with each field's name and
// value in order. Both point into data; ScanBinary neither copies nor
// interns. It checks the encoding as UnmarshalBinary does and fails with
// the same errors; field may have been called for the fields before the
// fault.
func ScanBinary(data []byte, field func(name, value []byte)) (Header, error) {
	d := decoder{data: data}
	var h Header
	var err error
	if h.Time, err = d.header(); err != nil {
		return Header{}, err
	}
	if h.Record, err = d.uvarint("record"); err != nil {
		return Header{}, err
	}
	for _, dst := range [...]*[]byte{&h.Source, &h.Host, &h.Product, &h.Category, &h.Service} {
		if *dst, err = d.bytes("metadata string"); err != nil {
			return Header{}, err
		}
	}
	n, err := d.fieldCount()
	if err != nil {
		return Header{}, err
	}
	if field == nil {
		field = func(_, _ []byte) {}
	}
	if err := d.eachField(n, field); err != nil {
		return Header{}, err
	}
	return h, nil
}

// BinaryTime returns the time of an event encoded by AppendBinary, reading
// only the header: for filtering by time without decoding the rest. An
// event without a time gives the zero time.
func BinaryTime(data []byte) (time.Time, error) {
	d := decoder{data: data}
	return d.header()
}
