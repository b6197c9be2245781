package access

import "strings"

// ParseCX reads an HL7 v2 CX identifier as ATNA and IHE profiles write
// patient ids ("PID1^^^Site A&1.2.40.0.13.1.1&ISO^PI"): the value is the
// first component; the system is the assigning authority's universal id as
// urn:oid: when its type is ISO, else the namespace id. A value without
// components is returned with no system.
func ParseCX(s string) Identifier {
	comps := strings.Split(s, "^")
	id := Identifier{Value: comps[0]}
	if len(comps) < 4 || comps[3] == "" {
		return id
	}
	hd := strings.Split(comps[3], "&")
	switch {
	case len(hd) >= 3 && hd[1] != "" && strings.EqualFold(hd[2], "ISO"):
		id.System = "urn:oid:" + hd[1]
	case hd[0] != "":
		id.System = hd[0]
	case len(hd) >= 2:
		id.System = hd[1]
	}
	return id
}
