package sandbox

import (
	"strings"

	"github.com/attio-facade/attio-facade/attio"
)

// attrType indexes valueTypes.
type attrType uint8

const (
	tText attrType = iota
	tNumber
	tCheckbox
	tCurrency
	tDate
	tTimestamp
	tRating
	tStatus
	tSelect
	tRecordRef
	tActorRef
	tLocation
	tDomain
	tEmail
	tPhone
	tInteraction
	tPersonalName
	numAttrTypes
)

// valueTypes is the sandbox's one place per attribute type. A row spells the type as attio does
// (attio.ValueTypes is the one list of value types, and TestAttrTypesAreAttios holds this table to
// it), says what Attio allows of the type's attributes, and names the Go type that does everything
// the sandbox does with the type's values: coercing a write, rendering, filter and sort
// properties, unique keys, search text, SQL, generated data. No other file of the sandbox
// switches on an attribute type (TestNoTypeSwitchOutsideTheTables).
//
// Serving a new type in the sandbox: a constant above, a row here, and a Go type implementing
// valueType in a valuetypes_*.go file (the compiler asks for each method it lacks; valueBase gives
// the defaults of the optional ones).
var valueTypes = [numAttrTypes]typeRow{
	tText:         {name: attio.TypeText, creatable: true, single: true, impl: textType{}},
	tNumber:       {name: attio.TypeNumber, creatable: true, single: true, impl: numberType{}},
	tCheckbox:     {name: attio.TypeCheckbox, creatable: true, single: true, impl: checkboxType{}},
	tCurrency:     {name: attio.TypeCurrency, creatable: true, single: true, impl: currencyType{}},
	tDate:         {name: attio.TypeDate, creatable: true, single: true, impl: dateType{}},
	tTimestamp:    {name: attio.TypeTimestamp, creatable: true, single: true, impl: timestampType{}},
	tRating:       {name: attio.TypeRating, creatable: true, single: true, impl: ratingType{}},
	tStatus:       {name: attio.TypeStatus, creatable: true, single: true, impl: choiceType[*status]{statusOptions}},
	tSelect:       {name: attio.TypeSelect, creatable: true, impl: choiceType[*option]{selectOptions}},
	tRecordRef:    {name: attio.TypeRecordReference, creatable: true, impl: recordRefType{}},
	tActorRef:     {name: attio.TypeActorReference, creatable: true, eqOnly: true, impl: actorRefType{}},
	tLocation:     {name: attio.TypeLocation, creatable: true, impl: locationType{}},
	tDomain:       {name: attio.TypeDomain, creatable: true, impl: domainType{}},
	tEmail:        {name: attio.TypeEmailAddress, creatable: true, impl: emailType{}},
	tPhone:        {name: attio.TypePhoneNumber, creatable: true, impl: phoneType{}},
	tInteraction:  {name: attio.TypeInteraction, computed: true, impl: interactionType{}},
	tPersonalName: {name: attio.TypePersonalName, impl: personalNameType{}},
}

// typeRow is one attribute type: its name and what Attio allows of its attributes.
type typeRow struct {
	name      string
	creatable bool // POST .../attributes takes it (Attio creates the others itself)
	single    bool // its attributes cannot be multiselect
	eqOnly    bool // filters take $eq and $not_empty only (Attio answers other operators with a filter error)
	computed  bool // communication intelligence: values Attio computes, without history
	impl      valueType
}

// valueType is what the sandbox does with the values of one attribute type. A value is stored in
// the fields of value (s, f, ref, aux, ext) as each type's doc comment says.
type valueType interface {
	// coerce turns one item of a write (raw or object form) into the stored value, applying
	// Attio's documented coercions and refusing what Attio refuses.
	coerce(c coerceCtx, i int, it any) (value, *apiError)
	// write renders the type's own keys of a value in Attio's output shape.
	write(ws *workspace, w *jw, a *attribute, v *value)
	// property is the filter and sort property of that name ("" = the type's default one).
	property(ws *workspace, name string) (prop, bool)
	// generate makes a synthetic value for Sandbox.Generate (v has its attribute, time and actor);
	// false when the attribute can have none.
	generate(g *generator, a *attribute, r *genRecord, v *value) bool
	// uniqKey is the normalised form unique indexes and matching compare.
	uniqKey(v *value) string
	// sql writes a value as one SQL result scalar.
	sql(w *jw, a *attribute, v *value)
	// search adds what records/search matches in a value (lower-cased) and the hit's label.
	search(a *attribute, v *value, d *searchDoc)
}

// configured is a valueType whose attributes have a config of their own (Attio's
// config.<type>): readConfig checks a create's config and fills def, and returns what to set on
// the attribute once it exists.
type configured interface {
	readConfig(ws *workspace, cfg map[string]any, def *attrDef) (func(a *attribute), *apiError)
}

// valueBase gives the defaults of valueType's optional methods, for a value held in value.s.
type valueBase struct{}

func (valueBase) uniqKey(v *value) string               { return v.s }
func (valueBase) sql(w *jw, _ *attribute, v *value)     { w.str(v.s) }
func (valueBase) search(*attribute, *value, *searchDoc) {}

// searchDoc collects a record's search text and label.
type searchDoc struct {
	label string
	hay   strings.Builder
}

func (d *searchDoc) add(s string) { d.hay.WriteString(s + "\n") }

func (t attrType) String() string { return valueTypes[t].name }

func (t attrType) impl() valueType { return valueTypes[t].impl }

func parseAttrType(s string) (attrType, bool) {
	for i, r := range valueTypes {
		if r.name == s {
			return attrType(i), true
		}
	}
	return 0, false
}

// valueProp is a property read from the value alone.
func valueProp(kind propKind, fold bool, f func(v *value) string) prop {
	return prop{kind: kind, fold: fold, str: func(_ *attribute, _ *item, v *value) string { return f(v) }}
}

func strProp(f func(v *value) string) prop { return valueProp(kString, false, f) }

func numProp(kind propKind) prop { return prop{kind: kind, num: func(v *value) float64 { return v.f }} }

func refProp() prop { return strProp(func(v *value) string { return v.ref.String() }) }

// isValueKey tells whether name picks a type's only property: "" or "value".
func isValueKey(name string) bool { return name == "" || name == "value" }

// stringAt is a write item's string payload: the item itself or its key.
func stringAt(it any, key string) (string, bool) {
	x, _ := unwrap(it, key)
	s, ok := x.(string)
	return s, ok
}
