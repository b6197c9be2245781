package notify

import (
	"context"
	"net/http"

	"github.com/vigilhealth/vigil/internal/alert"
)

// WebhookVersion is the version of the generic webhook's payload.
const WebhookVersion = 1

// webhookPayload is the generic webhook's body.
type webhookPayload struct {
	Version int          `json:"version"`
	Alert   *alert.Alert `json:"alert"`
}

type webhook struct{ httpTarget }

// NewWebhook returns a Target that POSTs {"version":1,"alert":{...}} to
// url, with the alert in alert.Alert's JSON shape and the given extra
// headers (for example Authorization). A nil client means
// http.DefaultClient; the Dispatcher bounds each send with a timeout.
func NewWebhook(url string, headers map[string]string, client *http.Client) Target {
	return webhook{newHTTPTarget("webhook", url, headers, client)}
}

func (w webhook) Send(ctx context.Context, a *alert.Alert) error {
	return w.post(ctx, webhookPayload{Version: WebhookVersion, Alert: a})
}
