package attio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// SQL (POST /v2/sql, beta, Enterprise plan), from Attio's endpoint reference page
// https://docs.attio.com/rest-api/endpoint-reference/sql/query-sql: the body is {"sql": ...} and
// the answer {"data": {"rows": [{column: value, ...}, ...]}}. The query only reads, so it spends
// the read budget and is safe to resend. A query Attio cannot run is a 400 filter_error.

// SQLKind is the JSON kind of a SQL result value.
type SQLKind uint8

const (
	SQLNull SQLKind = iota
	SQLString
	SQLNumber
	SQLBool
	SQLJSON // an array or object
)

// SQLValue is one cell. Text is the string for SQLString, the exact number text for SQLNumber,
// "true"/"false" for SQLBool and the JSON text for SQLJSON.
type SQLValue struct {
	Kind SQLKind
	Text string
}

// SQLColumn is one result column. Kind is the kind of its non-null values (SQLNull when all were
// null); Mixed says they were of several kinds, Kind then being the first one seen.
type SQLColumn struct {
	Name  string
	Kind  SQLKind
	Mixed bool
}

// SQLResult is a query's whole result: the columns in the order the rows carry them (the order of
// the SELECT), and each row's values in column order.
type SQLResult struct {
	Columns []SQLColumn
	Rows    [][]SQLValue
}

// QuerySQL runs one read-only SQL query.
func (c *Client) QuerySQL(ctx context.Context, sql string) (SQLResult, error) {
	var res SQLResult
	cl := call{ep: epQuerySQL, body: struct {
		SQL string `json:"sql"`
	}{sql}}
	cl.decodeBody = func(b []byte) (err error) {
		res, err = decodeSQL(b)
		return err
	}
	err := c.do(ctx, cl)
	return res, err
}

var errSQLShape = errors.New("attio: SQL answer is not {\"data\": {\"rows\": [...]}}")

func sqlValue(raw []byte) (SQLValue, error) {
	switch raw[0] {
	case 'n':
		return SQLValue{Kind: SQLNull}, nil
	case 't', 'f':
		return SQLValue{Kind: SQLBool, Text: string(raw)}, nil
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return SQLValue{Kind: SQLString, Text: s}, err
	case '{', '[':
		return SQLValue{Kind: SQLJSON, Text: string(raw)}, nil
	}
	return SQLValue{Kind: SQLNumber, Text: string(raw)}, nil
}

// decodeSQL reads the rows keeping each row's key order (a Go map would lose the SELECT's order).
// A key a later row brings is a new column; rows without it hold null there.
func decodeSQL(b []byte) (SQLResult, error) {
	var env struct {
		Data struct {
			Rows []json.RawMessage `json:"rows"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return SQLResult{}, err
	}
	if env.Data.Rows == nil {
		return SQLResult{}, errSQLShape
	}
	var res SQLResult
	index := map[string]int{}
	seen := map[int]map[SQLKind]bool{}
	rows := make([]map[int]SQLValue, 0, len(env.Data.Rows))
	for i, raw := range env.Data.Rows {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return SQLResult{}, fmt.Errorf("%w: row %d is not an object", errSQLShape, i)
		}
		row := map[int]SQLValue{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return SQLResult{}, err
			}
			name := t.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return SQLResult{}, err
			}
			cell, err := sqlValue(v)
			if err != nil {
				return SQLResult{}, err
			}
			col, ok := index[name]
			if !ok {
				col = len(res.Columns)
				index[name] = col
				res.Columns = append(res.Columns, SQLColumn{Name: name})
				seen[col] = map[SQLKind]bool{}
			}
			row[col] = cell
			if cell.Kind != SQLNull {
				if len(seen[col]) == 0 {
					res.Columns[col].Kind = cell.Kind // the first kind seen; Mixed tells of others
				}
				seen[col][cell.Kind] = true
			}
		}
		rows = append(rows, row)
	}
	for col := range res.Columns {
		res.Columns[col].Mixed = len(seen[col]) > 1
	}
	res.Rows = make([][]SQLValue, len(rows))
	for i, row := range rows {
		cells := make([]SQLValue, len(res.Columns))
		for col, v := range row {
			cells[col] = v
		}
		res.Rows[i] = cells
	}
	return res, nil
}

// String renders a column kind for errors and logs.
func (k SQLKind) String() string {
	return [...]string{"null", "string", "number", "boolean", "json"}[k]
}
