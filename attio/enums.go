package attio

import attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"

// Attio's enum strings and the contract's enums. A string missing here decodes to UNSPECIFIED,
// with Attio's string kept in the message's raw_* field (see rawEnum).
var (
	ActorTypes = map[string]attiov1.ActorType{
		"api-token":        attiov1.ActorType_ACTOR_TYPE_API_TOKEN,
		"workspace-member": attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER,
		"system":           attiov1.ActorType_ACTOR_TYPE_SYSTEM,
		"app":              attiov1.ActorType_ACTOR_TYPE_APP,
	}
	InteractionTypes = map[string]attiov1.InteractionType{
		"calendar-event":    attiov1.InteractionType_INTERACTION_TYPE_CALENDAR_EVENT,
		"call":              attiov1.InteractionType_INTERACTION_TYPE_CALL,
		"chat-thread":       attiov1.InteractionType_INTERACTION_TYPE_CHAT_THREAD,
		"email":             attiov1.InteractionType_INTERACTION_TYPE_EMAIL,
		"in-person-meeting": attiov1.InteractionType_INTERACTION_TYPE_IN_PERSON_MEETING,
		"meeting":           attiov1.InteractionType_INTERACTION_TYPE_MEETING,
	}
)

// rawEnum is Attio's string when the contract's enum has no value for it (the enum is then
// UNSPECIFIED), so a caller still sees what Attio said; "" when the enum knows it or it is empty.
func rawEnum[E any](m map[string]E, s string) string {
	if _, ok := m[s]; ok {
		return ""
	}
	return s
}

// ActorReference is the contract's reference to the actor Attio names by type and id (id nil for null).
func ActorReference(t string, id *string) *attiov1.ActorReference {
	return &attiov1.ActorReference{Type: ActorTypes[t], Id: id, RawType: rawEnum(ActorTypes, t)}
}

// ActorReferenceValue is the contract's actor-reference value for Attio's type and id (id nil for null).
func ActorReferenceValue(t string, id *string) *attiov1.ActorReferenceValue {
	out := &attiov1.ActorReferenceValue{ReferencedActorType: ActorTypes[t], RawReferencedActorType: rawEnum(ActorTypes, t)}
	if id != nil {
		out.Actor = &attiov1.ActorReferenceValue_ReferencedActorId{ReferencedActorId: *id}
	}
	return out
}

// RecordReference is the contract's record-reference value naming a record by id.
func RecordReference(object, id string) *attiov1.RecordReferenceValue {
	return &attiov1.RecordReferenceValue{TargetObject: object, Target: &attiov1.RecordReferenceValue_TargetRecordId{TargetRecordId: id}}
}
