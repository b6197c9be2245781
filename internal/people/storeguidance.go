package people

import "context"

// RecordGuidance keeps a guidance message that was given. It takes no
// context: the message has already gone, so it is recorded even when the
// request that sent it has ended.
func (s *Store) RecordGuidance(m Message) error {
	return s.recordGuidance(context.Background(), m)
}

func (s *Store) recordGuidance(ctx context.Context, m Message) error {
	if err := s.ds.AddGuidance(ctx, m); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touches = append(s.touches, m.touch())
	return nil
}

// Guidance returns the guidance messages given, oldest first, by every
// node sharing the DataStore.
func (s *Store) Guidance(ctx context.Context) ([]Message, error) {
	return s.ds.ListGuidance(ctx)
}

// Touches returns the guidance given as training touches, for
// Training.Rollup and Guide.Restore: what the DataStore held when the
// Store was made and what was recorded through the Store since.
func (s *Store) Touches() []Touch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Touch(nil), s.touches...)
}

// Recorder returns a Sender that sends through next (nil: sends nothing)
// and keeps each message it delivered in the store, so that guidance
// given survives a restart and counts as training. The message is
// recorded even if ctx ends once it is sent.
func (s *Store) Recorder(next Sender) Sender {
	return SenderFunc(func(ctx context.Context, m Message) error {
		if next != nil {
			if err := next.Send(ctx, m); err != nil {
				return err
			}
		}
		return s.recordGuidance(context.WithoutCancel(ctx), m)
	})
}

// touch is the training touch a message counts as.
func (m Message) touch() Touch {
	return Touch{StaffID: m.StaffID, Topic: m.Topic, At: m.At, AlertID: m.AlertID}
}
