package sandbox

import (
	"strconv"
)

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

// data returns body.data as an object or a validation error naming the path.
func (rc *reqCtx) data() (map[string]any, *apiError) {
	if rc.body == nil {
		return nil, bodyError([]any{"data"}, "Required")
	}
	d, ok := rc.body["data"].(map[string]any)
	if !ok {
		if _, present := rc.body["data"]; !present {
			return nil, bodyError([]any{"data"}, "Required")
		}
		return nil, bodyError([]any{"data"}, "Expected object, received "+jsonKind(rc.body["data"]))
	}
	return d, nil
}

func reqString(m map[string]any, key string, path ...any) (string, *apiError) {
	v, ok := m[key]
	if !ok {
		return "", bodyError(append(path, key), "Required")
	}
	s, ok := v.(string)
	if !ok {
		return "", bodyError(append(path, key), "Expected string, received "+jsonKind(v))
	}
	return s, nil
}

func optString(m map[string]any, key string, path ...any) (string, bool, *apiError) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, bodyError(append(path, key), "Expected string, received "+jsonKind(v))
	}
	return s, true, nil
}

func optBool(m map[string]any, key string, path ...any) (bool, bool, *apiError) {
	v, ok := m[key]
	if !ok {
		return false, false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, false, bodyError(append(path, key), "Expected boolean, received "+jsonKind(v))
	}
	return b, true, nil
}

// pageParams reads limit/offset query parameters with the endpoint's default
// and maximum (max 0 = unbounded).
func (rc *reqCtx) pageParams(def, maxLimit int) (int, int, *apiError) {
	limit, offset := def, 0
	if s := rc.q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || (maxLimit > 0 && n > maxLimit) {
			msg := "limit must be a positive integer"
			if maxLimit > 0 {
				msg += " no greater than " + strconv.Itoa(maxLimit)
			}
			return 0, 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "invalid_type", msg)
		}
		limit = n
	}
	if s := rc.q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, validation("Invalid query parameter offset.").with([]any{"offset"}, "invalid_type", "offset must be a non-negative integer")
		}
		offset = n
	}
	return limit, offset, nil
}

func (rc *reqCtx) boolParam(name string) (bool, *apiError) {
	switch rc.q.Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, validation("Invalid query parameter %s.", name).with([]any{name}, "invalid_type", "Expected boolean")
}

func window(n, limit, offset int) (int, int) {
	if offset > n {
		offset = n
	}
	end := n
	if limit >= 0 && offset+limit < n {
		end = offset + limit
	}
	return offset, end
}

func okEmpty() ([]byte, *apiError) { return []byte("{}"), nil }

func (rc *reqCtx) pathUUID(name string) (uuid, bool) {
	return parseUUID(rc.param(name))
}

// eachObject calls f for each element of data[key], an array of objects, in
// order; it reports whether key was present (absent is "Required" when
// required).
func eachObject(d map[string]any, key string, required bool, f func(i int, m map[string]any) *apiError) (bool, *apiError) {
	v, ok := d[key]
	if !ok {
		if required {
			return false, bodyError([]any{"data", key}, "Required")
		}
		return false, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return false, bodyError([]any{"data", key}, "Expected array")
	}
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			return false, bodyError([]any{"data", key, i}, "Expected object")
		}
		if err := f(i, m); err != nil {
			return false, err
		}
	}
	return true, nil
}
