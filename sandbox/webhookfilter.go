package sandbox

// webhookFilterProblem checks a webhook subscription filter against the
// spec's schema: null, or an object with exactly one of $and / $or holding
// conditions {field, operator: equals | not_equals, value} with string field
// and value. It returns "" when the filter is valid.
func webhookFilterProblem(f any) string {
	if f == nil {
		return ""
	}
	m, ok := f.(map[string]any)
	if !ok {
		return "Expected null or an object with $and or $or"
	}
	if len(m) != 1 {
		return "Expected exactly one of $and or $or"
	}
	for op, conds := range m {
		if op != "$and" && op != "$or" {
			return "Unknown key " + op + ", expected $and or $or"
		}
		list, ok := conds.([]any)
		if !ok {
			return op + " expects an array of conditions"
		}
		for _, c := range list {
			cm, ok := c.(map[string]any)
			if !ok || len(cm) != 3 {
				return "Each condition is {field, operator, value}"
			}
			field, ok1 := cm["field"].(string)
			_, ok2 := cm["value"].(string)
			oper, _ := cm["operator"].(string)
			if !ok1 || field == "" || !ok2 {
				return "A condition's field and value are strings"
			}
			if oper != "equals" && oper != "not_equals" {
				return "A condition's operator is equals or not_equals"
			}
		}
	}
	return ""
}
