package care

import (
	"fmt"
	"time"
)

// World is a generated trust: its places, people, staff and care. It is
// built whole in memory (its size grows with patients and staff, not with
// the access log); the access log is generated a day at a time from it.
type World struct {
	cfg   Config
	first time.Time // the first day of the log, midnight London
	end   time.Time // the end of the last day

	Streets   []Street
	Addresses []Address
	Patients  []Patient
	Staff     []Staff
	Depts     []Dept
	Visits    []Visit

	// Indexes used when picking people.
	bySurname   map[string][]int32 // patients by family name
	byStreet    map[int32][]int32  // patients by street
	byPostcode  map[string][]int32 // patients by postcode
	staffByDept [][]int32
	dupNHS      map[string]int32 // duplicate-record NHS number -> patient
	nhsPerm     nhsAlloc
	adt         map[string][]message // ADT and SIU messages by file (adt/DATE, appointments/DATE)
	dayVisits   [][]int32            // visits present on each log day
	housesUsed  *houses              // the address stock, for staff who are not patients
	nextCtrl    int                  // the next HL7 message control id
}

// Build makes the trust that cfg describes: places, people, staff, visits
// and their messages. It does not write anything.
func Build(cfg Config) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sim care config: %w", err)
	}
	w := &World{cfg: cfg, first: cfg.firstDay(), adt: map[string][]message{}}
	w.end = w.day(cfg.Days)
	w.buildPlaces()
	w.buildPatients()
	w.buildDepts()
	w.buildStaff()
	w.buildVisits()
	return w, nil
}

// day returns midnight (London) of log day i, counting from 0; calendar
// arithmetic keeps it midnight across the BST change.
func (w *World) day(i int) time.Time {
	return time.Date(w.first.Year(), w.first.Month(), w.first.Day()+i, 0, 0, 0, 0, london)
}

// dayIndex returns the log day t falls on (negative before the log).
func (w *World) dayIndex(t time.Time) int {
	t = t.In(london)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	f := time.Date(w.first.Year(), w.first.Month(), w.first.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.Sub(f).Hours() / 24)
}

// at returns log day i at the given local hour and minute.
func (w *World) at(i, hour, minute int) time.Time {
	return time.Date(w.first.Year(), w.first.Month(), w.first.Day()+i, hour, minute, 0, 0, london)
}
