package sandbox

// Ids of notable objects in testdata/seed (the default workspace unless
// stated), so tests can refer to them.
const (
	SeedMember2ID       = "b8735e67-c669-4914-9880-ec78a7573079" // Bob Builder (member)
	SeedCompanyID       = "f13e330d-31f2-4bd9-b5f9-b5f404da3049" // Energyguided Technology (mirrors company-record.real.json)
	SeedCompany2ID      = "5a4cbf71-eb61-4ffa-bccd-a9fb10f6e5ea" // Acme Analytics (two domains, matching_id ACME-001)
	SeedCompanyGlobexID = "85f932a6-d481-527d-9a47-e84ebdb1db1f"
	SeedPersonID        = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602" // Ada Lovelace (job_title and emails have history)
	SeedPerson2ID       = "0823c0f7-d09c-42d8-9e02-a326a8315b45" // Alan Turing
	SeedPersonKenID     = "f2a6f75e-ec45-5491-9282-e724ec37eca8" // has two entries in the recruiting list
	SeedDealID          = "069babd3-2d1e-4dff-a4a8-b9a0f70e0dbc" // stage Lead -> In Progress
	SeedProjectID       = "ec2b7418-b75a-5ccd-be5b-32c0e438cbed" // custom object "projects", every attribute type
	SeedListID          = "5a199078-8b3f-405e-95a3-06a2417d65f7" // list sales_pipeline (parent companies)
	SeedRecruitingID    = "28eb2ac9-e574-53b4-b5b3-3b83dbb1ea97" // list recruiting (parent people)
	SeedEntryID         = "94cafb4a-3799-4968-b831-08f00c8e450c" // sales_pipeline entry of Acme Analytics
	SeedNoteID          = "02968448-8e3b-480a-8624-cd0f4083f136"
	SeedTaskID          = "a0eb28e0-28af-4937-be9a-d7fd31097f25"
	SeedThreadID        = "6743d671-414d-45ac-a56f-4d8da4e5fff4"
	SeedCommentID       = "b790b267-4748-4b52-844c-2eb4133b768e"
	SeedMeetingID       = "1caf6c15-a510-4bea-820e-bf0e1fd62f64"
	SeedCallRecordingID = "92448868-cc22-42b1-9950-9fd6bd8fa1a6" // 120 transcript segments (3 pages)
	SeedWebhookID       = "2161d0ab-0e7f-4df2-a5e0-0fba55ebf06a"
	SeedSecondCompanyID = "9cdc9b14-a009-5db7-a5fc-c306cad89d26" // in the second workspace
	SeedSecondPersonID  = "f040d2bb-62d3-5c3f-9faf-24c8983365a4" // in the second workspace
)

// Seeded saved views (testdata/seed/workspace.json "views").
const (
	SeedViewEveryoneID  = "0d6b3c1e-6a0e-4c57-9d1b-3f0c1a2b7e01" // people, table, sorted by last name
	SeedViewLovelacesID = "3f9a2c44-1b7d-4e8a-a6c2-5d1e0b9f7a02" // people, filter name.last_name eq "Lovelace"
	SeedViewArchivedID  = "7c2e8d10-5f3b-4a9e-b1d4-8e6f2a0c9b03" // people, archived
	SeedListViewID      = "9a4d6e22-8c1f-4b3a-9e7d-2f5c8b1a0d04" // sales_pipeline, board, stage eq "In Progress", deal_size desc
)

// Seeded files of Ada (SeedPersonID): a folder holding nda.txt, a top-level notes.md and a
// connected Google Drive file.
const (
	SeedFolderID        = "1b7e3c52-0a4d-4f6e-9c21-6d8e5f0a1b01"
	SeedFileNDAID       = "2c8f4d63-1b5e-4a7f-8d32-7e9f6a1b2c02"
	SeedFileNotesID     = "3d9a5e74-2c6f-4b8a-9e43-8fa07b2c3d03"
	SeedConnectedFileID = "4eab6f85-3d7a-4c9b-8f54-9ab18c3d4e04"
)
