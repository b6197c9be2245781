package people

import (
	"context"
	"slices"
	"sync"
)

// MemoryReports is a ReportStore held in memory for the handler's tests.
// It is safe for concurrent use.
type MemoryReports struct {
	mu      sync.Mutex
	reports []Report
}

// AddReport stores a copy of r with a new random ID.
func (m *MemoryReports) AddReport(_ context.Context, r Report) (string, error) {
	id, err := NewReportID()
	if err != nil {
		return "", err
	}
	r.ID = id
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reports = append(m.reports, r)
	return id, nil
}

// Reports returns the reports stored, oldest first.
func (m *MemoryReports) Reports() []Report {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.reports)
}
