package attio

import "context"

// Meeting and call recording writes, from Attio's March 2026 document (all three in alpha at
// Attio).

// MeetingTimeInput is a meeting boundary to write: Datetime (with an optional Timezone) or Date.
type MeetingTimeInput struct {
	Datetime string  `json:"datetime,omitempty"`
	Timezone *string `json:"timezone,omitempty"`
	Date     string  `json:"date,omitempty"`
}

// MeetingParticipantInput is an invitee; Attio creates people and companies from new addresses.
type MeetingParticipantInput struct {
	EmailAddress string `json:"email_address"`
	IsOrganizer  bool   `json:"is_organizer"`
	Status       string `json:"status"` // accepted, tentative, declined or pending
}

// MeetingLinkInput links a new meeting to a record.
type MeetingLinkInput struct {
	Object   string `json:"object"`
	RecordID string `json:"record_id"`
}

// MeetingCalendarRef names a meeting by its calendar event.
type MeetingCalendarRef struct {
	ICalUID           string `json:"ical_uid"`
	Provider          string `json:"provider"` // google or microsoft
	OriginalStartTime string `json:"original_start_time,omitempty"`
	IsRecurring       bool   `json:"is_recurring"`
}

// MeetingInput finds (by ExternalRef) or creates a meeting. ExternalRef is a string id of the
// caller's choosing or a *MeetingCalendarRef.
type MeetingInput struct {
	Title         string                    `json:"title"`
	Description   string                    `json:"description"`
	Start         MeetingTimeInput          `json:"start"`
	End           MeetingTimeInput          `json:"end"`
	IsAllDay      bool                      `json:"is_all_day"`
	Participants  []MeetingParticipantInput `json:"participants"`
	LinkedRecords []MeetingLinkInput        `json:"linked_records,omitempty"`
	ExternalRef   any                       `json:"external_ref"`
}

// CreateMeeting finds the meeting with in.ExternalRef or creates it.
func (c *Client) CreateMeeting(ctx context.Context, in MeetingInput) (Meeting, error) {
	if in.Participants == nil {
		in.Participants = []MeetingParticipantInput{}
	}
	return getData[Meeting](c, ctx, call{ep: epCreateMeeting, body: dataEnvelope[MeetingInput]{Data: in}})
}

// CreateCallRecording adds a recording to a meeting from a public https .mp4 URL.
func (c *Client) CreateCallRecording(ctx context.Context, meetingID, videoURL string) (CallRecording, error) {
	body := dataEnvelope[struct {
		VideoURL string `json:"video_url"`
	}]{}
	body.Data.VideoURL = videoURL
	return getData[CallRecording](c, ctx, call{ep: epCreateCallRecording, params: []string{meetingID}, body: body})
}

// DeleteCallRecording deletes a call recording (Attio answers 204).
func (c *Client) DeleteCallRecording(ctx context.Context, meetingID, callRecordingID string) error {
	return c.do(ctx, call{ep: epDeleteCallRecording, params: []string{meetingID, callRecordingID}})
}
