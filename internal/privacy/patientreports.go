package privacy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// Files of the record of patient access reports, in StateDir.
const (
	// PatientReportsFile holds one JSON line per patient access report
	// produced (PatientReportRecord): evidence that patients were told
	// who opened their record.
	PatientReportsFile = "patient-reports.jsonl"
	// PatientReportsKeyFile holds the secret key of PatientRef, readable
	// by Vigil's user only.
	PatientReportsKeyFile = "patient-reports.key"
)

// Where a patient access report was produced.
const (
	ViaConsole = "console" // a download from the console's patient page
	ViaCommand = "command" // vigil privacy report
)

// PatientReportRecord is one patient access report produced. It names the
// patient by a keyed hash of the NHS number (PatientRef), never the
// number: the record is evidence to count and to show an assessor, and
// the audit log already holds who was given which patient's report.
type PatientReportRecord struct {
	At       time.Time `json:"at"`
	By       string    `json:"by"`       // who produced it
	Patient  string    `json:"patient"`  // PatientRef of the NHS number
	Format   string    `json:"format"`   // csv, fhir or pdf
	Via      string    `json:"via"`      // ViaConsole or ViaCommand
	Accesses int       `json:"accesses"` // accesses the report listed
}

// PatientReportStore keeps the record of patient access reports given:
// the data folder's PatientReportLog in the single process, PostgreSQL's
// on the API nodes of a scaled-out deployment (pgstore), both passing the
// suite in privacy/privacytest. Each names patients by a keyed hash
// (PatientRefUnder) under a key of its own, never by NHS number. A store
// is safe for concurrent use.
type PatientReportStore interface {
	// Record keeps that pr was given in format to a person (by), from
	// via, at at, durably before it returns: a report not recorded is
	// not given. It returns the record kept.
	Record(pr *PatientReport, format, by, via string, at time.Time) (PatientReportRecord, error)
	// PatientReports reads every record kept, in the order recorded.
	PatientReports(ctx context.Context) (PatientReports, error)
}

var _ PatientReportStore = (*PatientReportLog)(nil)

// PatientReportLog appends to a data folder's record of patient access
// reports. Each record is one write to a file opened for appending, so
// the service and the command may record at the same time. It is safe
// for concurrent use.
type PatientReportLog struct {
	mu   sync.Mutex
	path string
	key  []byte
}

// refPrefix marks a PatientRef, naming how it was made.
const refPrefix = "hmac-sha256:"

// OpenPatientReportLog prepares the record in dataDir's StateDir,
// creating the folder and, on first use, a random key for PatientRef.
func OpenPatientReportLog(dataDir string) (*PatientReportLog, error) {
	dir := filepath.Join(dataDir, StateDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("patient report record: %w", err)
	}
	key, err := reportKey(filepath.Join(dir, PatientReportsKeyFile))
	if err != nil {
		return nil, err
	}
	return &PatientReportLog{path: filepath.Join(dir, PatientReportsFile), key: key}, nil
}

// reportKey reads the key at path, or makes one. A new key is written to
// a temporary file and linked into place, so that two processes starting
// at once agree on one key and neither reads half of it.
func reportKey(path string) ([]byte, error) {
	if key, err := readKey(path); !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key := NewPatientReportKey()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return nil, fmt.Errorf("patient report key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return readKey(path) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("patient report key %s: %w", path, err)
	}
	return key, nil
}

func readKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("patient report key %s: not a hex key of at least 16 bytes", path)
	}
	return key, nil
}

// PatientRef is how the record names the patient with this NHS number:
// an HMAC-SHA256 under the data folder's key, cut to 128 bits. A plain
// hash would not do: NHS numbers are ten digits, so every one could be
// hashed and looked up. With the key, the privacy officer can still
// answer "was this patient given a report?".
func (l *PatientReportLog) PatientRef(nhs string) string { return PatientRefUnder(l.key, nhs) }

// PatientRefUnder is PatientRef under key: every store of the record
// names patients this way, each with a key of its own.
func PatientRefUnder(key []byte, nhs string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(access.NormaliseNHSNumber(nhs)))
	return refPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}

// NewPatientReportKey returns a fresh random key for PatientRefUnder.
func NewPatientReportKey() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}

// NewPatientReportRecord is the record of pr produced in format by a
// person (by), from via, at at (in UTC, to the microsecond, which every
// store keeps), naming the patient under key.
func NewPatientReportRecord(key []byte, pr *PatientReport, format, by, via string, at time.Time) PatientReportRecord {
	return PatientReportRecord{At: at.UTC().Truncate(time.Microsecond), By: by, Patient: PatientRefUnder(key, pr.NHSNumber), Format: format, Via: via, Accesses: len(pr.Entries)}
}

// Record appends a record of pr produced in format by a person (by), from
// via, at at, and syncs it: a report not recorded is not given.
func (l *PatientReportLog) Record(pr *PatientReport, format, by, via string, at time.Time) (PatientReportRecord, error) {
	rec := NewPatientReportRecord(l.key, pr, format, by, via, at)
	line, err := json.Marshal(rec)
	if err != nil {
		return rec, fmt.Errorf("patient report record: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return rec, fmt.Errorf("patient report record: %w", err)
	}
	if torn, terr := endsTorn(f); terr != nil {
		err = terr
	} else {
		if torn {
			// A crash cut the last line short: end it, so that this
			// record is a line of its own.
			line = append([]byte{'\n'}, line...)
		}
		_, err = f.Write(append(line, '\n'))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return rec, fmt.Errorf("patient report record %s: %w", l.path, err)
	}
	return rec, nil
}

// endsTorn reports whether f is not empty and does not end with a
// newline.
func endsTorn(f *os.File) (bool, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// PatientReports is the record as read back: the records that read, and
// a note for each line that did not (a line cut short by a crash), so
// that a count can say what it left out.
type PatientReports struct {
	Records    []PatientReportRecord
	Unreadable []string // "FILE:LINE: reason"
}

// PatientReports reads the log's records back (ReadPatientReports).
func (l *PatientReportLog) PatientReports(ctx context.Context) (PatientReports, error) {
	if err := ctx.Err(); err != nil {
		return PatientReports{}, fmt.Errorf("patient report record: %w", err)
	}
	return readPatientReportsFile(l.path)
}

// ReadPatientReports reads dataDir's record of patient access reports. It
// only reads: it is safe while vigil serve runs. A folder with no record
// gives none and no error.
func ReadPatientReports(dataDir string) (PatientReports, error) {
	return readPatientReportsFile(filepath.Join(dataDir, StateDir, PatientReportsFile))
}

// readPatientReportsFile reads the record at path; none there is none.
func readPatientReportsFile(path string) (PatientReports, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return PatientReports{}, nil
	}
	if err != nil {
		return PatientReports{}, fmt.Errorf("patient report record: %w", err)
	}
	defer f.Close()
	return parsePatientReports(f, path)
}

// parsePatientReports reads records from r, one JSON line each; name
// says where they come from in notes and errors.
func parsePatientReports(r io.Reader, name string) (PatientReports, error) {
	var out PatientReports
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec PatientReportRecord
		err := json.Unmarshal(b, &rec)
		if err == nil {
			err = rec.check()
		}
		if err != nil {
			out.Unreadable = append(out.Unreadable, fmt.Sprintf("%s:%d: %v", name, line, err))
			continue
		}
		out.Records = append(out.Records, rec)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("patient report record %s: %w", name, err)
	}
	return out, nil
}

// check refuses a record that counts for nothing: no time or no patient.
func (r PatientReportRecord) check() error {
	switch {
	case r.At.IsZero():
		return errors.New("no time (at)")
	case !strings.HasPrefix(r.Patient, refPrefix):
		return fmt.Errorf("patient %q is not a %s reference", r.Patient, strings.TrimSuffix(refPrefix, ":"))
	}
	return nil
}

// PatientReportCounts are the reports of a span: how many, for how many
// patients, and by format and by where they were produced.
type PatientReportCounts struct {
	Reports  int
	Patients int
	ByFormat map[string]int
	ByVia    map[string]int
}

// Count counts the records with a time in [from, to).
func (p PatientReports) Count(from, to time.Time) PatientReportCounts {
	c := PatientReportCounts{ByFormat: map[string]int{}, ByVia: map[string]int{}}
	var patients []string
	for _, r := range p.Records {
		if r.At.Before(from) || !r.At.Before(to) {
			continue
		}
		c.Reports++
		c.ByFormat[r.Format]++
		c.ByVia[r.Via]++
		patients = append(patients, r.Patient)
	}
	slices.Sort(patients)
	c.Patients = len(slices.Compact(patients))
	return c
}
