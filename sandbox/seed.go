package sandbox

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"time"
)

// Seed layout (see testdata/seed): connections.json lists the connections
// and, for each, the workspace file to load. Workspace files describe
// members, extra attributes on standard objects, custom objects, lists,
// records, entries, notes, tasks, threads, meetings and webhooks. Record and
// entry values use Attio's write format and go through the same coercion as
// API writes; "updates" replay later writes to give values a history.

type seedConnections struct {
	Connections []struct {
		ID        string `json:"connection_id"`
		Status    string `json:"status"`
		Created   string `json:"creation_time"`
		Workspace string `json:"workspace"`
	} `json:"connections"`
}

type seedWorkspace struct {
	Workspace struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Slug      string `json:"slug"`
		LogoURL   string `json:"logo_url"`
		CreatedAt string `json:"created_at"`
	} `json:"workspace"`
	Members []struct {
		ID        string `json:"id"`
		First     string `json:"first_name"`
		Last      string `json:"last_name"`
		Email     string `json:"email_address"`
		Avatar    string `json:"avatar_url"`
		Access    string `json:"access_level"`
		CreatedAt string `json:"created_at"`
	} `json:"members"`
	Objects []struct {
		ID         string    `json:"id"`
		Slug       string    `json:"api_slug"`
		Singular   string    `json:"singular_noun"`
		Plural     string    `json:"plural_noun"`
		CreatedAt  string    `json:"created_at"`
		Attributes []attrDef `json:"attributes"`
	} `json:"objects"`
	Lists []struct {
		ID           string `json:"id"`
		Slug         string `json:"api_slug"`
		Name         string `json:"name"`
		ParentObject string `json:"parent_object"`
		Access       string `json:"workspace_access"`
		MemberAccess []struct {
			Member string `json:"workspace_member_id"`
			Level  string `json:"level"`
		} `json:"workspace_member_access"`
		CreatedAt  string    `json:"created_at"`
		CreatedBy  string    `json:"created_by"`
		Attributes []attrDef `json:"attributes"`
	} `json:"lists"`
	Records []struct {
		Object string       `json:"object"`
		Items  []seedRecord `json:"items"`
	} `json:"records"`
	Entries []struct {
		List  string       `json:"list"`
		Items []seedRecord `json:"items"`
	} `json:"entries"`
	Notes []struct {
		ID           string `json:"id"`
		ParentObject string `json:"parent_object"`
		ParentRecord string `json:"parent_record_id"`
		Title        string `json:"title"`
		Format       string `json:"format"`
		Content      string `json:"content"`
		MeetingID    string `json:"meeting_id"`
		CreatedAt    string `json:"created_at"`
		CreatedBy    string `json:"created_by"`
		Tags         []struct {
			Type     string `json:"type"`
			Member   string `json:"workspace_member_id"`
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"tags"`
	} `json:"notes"`
	Tasks []struct {
		ID        string `json:"id"`
		Content   string `json:"content"`
		Deadline  string `json:"deadline_at"`
		Completed bool   `json:"is_completed"`
		Linked    []struct {
			Object   string `json:"target_object"`
			RecordID string `json:"target_record_id"`
		} `json:"linked_records"`
		Assignees []string `json:"assignees"`
		CreatedAt string   `json:"created_at"`
		CreatedBy string   `json:"created_by"`
	} `json:"tasks"`
	Threads []struct {
		ID     string `json:"id"`
		Record *struct {
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"record"`
		Entry *struct {
			List    string `json:"list"`
			EntryID string `json:"entry_id"`
		} `json:"entry"`
		CreatedAt string `json:"created_at"`
		Comments  []struct {
			ID         string `json:"id"`
			Content    string `json:"content"`
			Author     string `json:"author"`
			CreatedAt  string `json:"created_at"`
			ResolvedAt string `json:"resolved_at"`
			ResolvedBy string `json:"resolved_by"`
		} `json:"comments"`
	} `json:"threads"`
	Meetings []struct {
		ID          string          `json:"id"`
		Title       string          `json:"title"`
		Description string          `json:"description"`
		AllDay      bool            `json:"is_all_day"`
		Start       seedMeetingTime `json:"start"`
		End         seedMeetingTime `json:"end"`
		Parts       []struct {
			Status    string `json:"status"`
			Organizer bool   `json:"is_organizer"`
			Email     string `json:"email_address"`
		} `json:"participants"`
		Linked []struct {
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"linked_records"`
		CreatedAt  string `json:"created_at"`
		CreatedBy  string `json:"created_by"`
		Recordings []struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			CreatedAt  string `json:"created_at"`
			CreatedBy  string `json:"created_by"`
			Transcript []struct {
				Speaker string  `json:"speaker"`
				Speech  string  `json:"speech"`
				Start   float64 `json:"start_time"`
				End     float64 `json:"end_time"`
			} `json:"transcript"`
		} `json:"call_recordings"`
	} `json:"meetings"`
	// Emails are message metadata only: the sandbox keeps no mailbox, it derives the
	// email interaction attributes from them, as Attio does from synced mailboxes.
	Emails   []seedEmail `json:"emails"`
	Views    []seedView  `json:"views"`
	Files    []seedFile  `json:"files"`
	Webhooks []struct {
		ID            string          `json:"id"`
		TargetURL     string          `json:"target_url"`
		Subscriptions json.RawMessage `json:"subscriptions"`
		Status        string          `json:"status"`
		Secret        string          `json:"secret"`
		CreatedAt     string          `json:"created_at"`
	} `json:"webhooks"`
}

type seedMeetingTime struct {
	Date     string `json:"date"`
	Datetime string `json:"datetime"`
	Timezone string `json:"timezone"`
}

type seedRecord struct {
	ID           string         `json:"id"`
	ParentObject string         `json:"parent_object"`
	ParentRecord string         `json:"parent_record_id"`
	CreatedAt    string         `json:"created_at"`
	CreatedBy    string         `json:"created_by"`
	Values       map[string]any `json:"values"`
	Updates      []struct {
		At     string         `json:"at"`
		By     string         `json:"by"`
		Mode   string         `json:"mode"` // "patch" (default) or "put"
		Values map[string]any `json:"values"`
	} `json:"updates"`
}

var (
	defaultConnCreated = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	secondConnCreated  = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
)

func (s *Sandbox) load(fsys fs.FS) error {
	if fsys == nil {
		for _, d := range []struct {
			conn, ws, member, name, slug string
			at                           time.Time
		}{
			{DefaultConnectionID, DefaultWorkspaceID, DefaultMemberID, "Sandbox Workspace", "sandbox", defaultConnCreated},
			{SecondConnectionID, SecondWorkspaceID, SecondMemberID, "Second Workspace", "sandbox-two", secondConnCreated},
		} {
			ws := newWorkspace(mustUUID(d.ws), d.name, d.slug, d.at.UnixNano())
			addMember(ws, mustUUID(d.member), "Ada", "Admin", "admin@"+d.slug+".example.com", "admin", d.at.UnixNano())
			s.addConnection(mustUUID(d.conn), "ACTIVE", d.at, ws)
		}
		return nil
	}
	var conns seedConnections
	if err := readJSON(fsys, "connections.json", &conns); err != nil {
		return err
	}
	for _, c := range conns.Connections {
		id, ok := parseUUID(c.ID)
		if !ok {
			return fmt.Errorf("connections.json: bad connection_id %q", c.ID)
		}
		created, err := time.Parse(time.RFC3339, c.Created)
		if err != nil {
			return fmt.Errorf("connections.json: %w", err)
		}
		var sw seedWorkspace
		if err := readJSON(fsys, c.Workspace, &sw); err != nil {
			return err
		}
		ws, err := buildWorkspace(&sw, s.nowNanos())
		if err != nil {
			return fmt.Errorf("%s: %w", c.Workspace, err)
		}
		status := c.Status
		if status == "" {
			status = "ACTIVE"
		}
		s.addConnection(id, status, created, ws)
	}
	return nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func seedTime(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	n, ok := coerceTimestamp(s)
	if !ok {
		return 0, fmt.Errorf("bad timestamp %q", s)
	}
	return n, nil
}

func seedUUID(s string) (uuid, error) {
	if s == "" {
		return newUUID(), nil
	}
	u, ok := parseUUID(s)
	if !ok {
		return u, fmt.Errorf("bad uuid %q", s)
	}
	return u, nil
}

// seedActor resolves "system", "api-token" or a member id ("" = first member).
func seedActor(ws *workspace, s string) (int32, error) {
	switch s {
	case "system":
		return 0, nil
	case "api-token":
		return ws.tokenIdx, nil
	case "":
		if len(ws.members) > 0 {
			return ws.memberActor(ws.members[0].id), nil
		}
		return 0, nil
	}
	m := ws.member(s)
	if m == nil {
		return 0, fmt.Errorf("unknown member %q", s)
	}
	return ws.memberActor(m.id), nil
}
