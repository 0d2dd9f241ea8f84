package server_test

import (
	"testing"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The escape hatches take JSON text, so numbers reach Attio, and come back, with every digit.
func TestRawJSONEscapeHatchesKeepDigits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := records(h, protocols[0])
	// 14 integer digits and 4 decimals: a double would round it.
	const amount = "12345678901234.5678"
	res, err := c.CreateRecord(t.Context(), &attiov1.CreateRecordRequest{Object: "deals", Values: values(
		"name", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "Raw one"})},
		"stage", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Status{Status: &attiov1.StatusInput{Status: &attiov1.StatusInput_Title{Title: "Lead"}}}}},
		"owner", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_ActorReference{ActorReference: &attiov1.ActorReferenceInput{Actor: &attiov1.ActorReferenceInput_EmailAddress{EmailAddress: "alice@sandbox.example.com"}}}}},
		"value", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_RawJson{RawJson: `{"currency_value": ` + amount + `}`}}},
	)})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.GetRecord().GetValues()["value"].GetValues(); len(got) != 1 || got[0].GetCurrency().GetCurrencyValue().GetValue() != amount {
		t.Fatalf("value = %v, want %s", got, amount)
	}
	q, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "deals",
		Filter: &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `{"value": {"currency_value": {"$eq": ` + amount + `}}}`}}})
	if err != nil {
		t.Fatal(err)
	}
	if rs := q.GetRecords(); len(rs) != 1 || rs[0].GetId().GetRecordId() != res.GetRecord().GetId().GetRecordId() {
		t.Fatalf("raw filter matched %d records, want only the new deal", len(rs))
	}
}
