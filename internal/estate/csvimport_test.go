package estate

import (
	"strings"
	"testing"
)

const goodCSV = "\ufeffName,Vendor,Product,Version,OS,OS Version,IP,Owner,Location,Support_End,Ward Code\n" +
	"pacs-ws-01,Agfa,IMPAX,6.5,Windows 7 Professional,6.1.7601,10.1.2.3,Radiology,Main X-ray,2019-12-31,RAD\n" +
	"exch01,Microsoft,Exchange Server,2016,Windows Server 2016,,10.1.0.5,IT,DC1,,\n" +
	"\"fw, edge\",Fortinet,FortiOS,7.0.12,,,,Network,,,\n"

func TestReadAssetsCSV(t *testing.T) {
	as, err := ReadAssetsCSV("assets.csv", strings.NewReader(goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 3 {
		t.Fatalf("%d assets", len(as))
	}
	a := as[0]
	if a.Name != "pacs-ws-01" || a.Vendor != "Agfa" || a.OSVersion != "6.1.7601" || a.IP != "10.1.2.3" || a.Location != "Main X-ray" ||
		!a.SupportEnd.Equal(date("2019-12-31")) || a.Sources[0] != "assets.csv:2" {
		t.Errorf("first asset: %+v", a)
	}
	if as[2].Name != "fw, edge" || as[2].Sources[0] != "assets.csv:4" {
		t.Errorf("quoted name: %+v", as[2])
	}
}

func TestReadAssetsCSVErrors(t *testing.T) {
	const head = "name,vendor,product,version,ip,support_end\n"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "a.csv: empty file"},
		{"missing columns", "name,product\nx,y\n", "a.csv:1: header lacks required column(s) vendor, version"},
		{"duplicate column", "name,vendor,product,version,Name\n", "a.csv:1: column \"name\" appears twice"},
		{"short row", head + "a,b,c,d,,\nx,y\n", "a.csv:3: 2 fields, but the header has 6"},
		{"bad quote", head + "a,b,\"c,d,,\n", "a.csv:2"},
		{"no name", head + "a,b,c,d,,\n ,b,c,d,,\n", "a.csv:3: column name: empty"},
		{"bad ip", head + "a,b,c,d,10.0.0.300,\n", "a.csv:2: column ip: \"10.0.0.300\""},
		{"bad date", head + "a,b,c,d,,31/12/2025\n", "a.csv:2: column support_end: want a date as YYYY-MM-DD"},
	} {
		as, err := ReadAssetsCSV("a.csv", strings.NewReader(tc.data))
		if err == nil || as != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %d assets, %v; want none and an error containing %q", tc.name, len(as), err, tc.want)
		}
	}
}

func FuzzReadAssetsCSV(f *testing.F) {
	f.Add(goodCSV)
	f.Add("name,vendor,product,version\na,b,c,d\n")
	f.Add("name,vendor,product,version,support_end,ip\na,b,c,d,2020-01-01,::1\n")
	f.Add("name,vendor\n\"a\n")
	f.Fuzz(func(t *testing.T, data string) {
		as, err := ReadAssetsCSV("fuzz.csv", strings.NewReader(data))
		if err != nil {
			if as != nil {
				t.Fatalf("error %v with %d assets", err, len(as))
			}
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, a := range as {
			if strings.TrimSpace(a.Name) == "" || len(a.Sources) != 1 {
				t.Fatalf("accepted asset %+v", a)
			}
		}
	})
}
