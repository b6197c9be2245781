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

// PostJSON posts body, encoded as JSON, to url with the given extra
// headers, as the webhook target posts alerts, for payloads other than
// alert notifications (such as guidance to a member of staff). A nil
// client means http.DefaultClient. Any answer but 2xx is an error; one
// for which IsPermanent is true will not succeed if retried.
func PostJSON(ctx context.Context, client *http.Client, url string, headers map[string]string, body any) error {
	return newHTTPTarget("webhook", url, headers, client).post(ctx, body)
}
