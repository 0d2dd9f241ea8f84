package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// SqlService serves attio.v1.SqlService: read-only SQL, answered upstream in one piece and streamed
// to the caller in parts of bounded row count.
type SqlService struct {
	client *attio.Client
}

var _ attiov1connect.SqlServiceHandler = (*SqlService)(nil)

const defaultSQLRowsPerMessage = 500

var sqlTypes = map[attio.SQLKind]attiov1.SqlType{
	attio.SQLNull:   attiov1.SqlType_SQL_TYPE_UNSPECIFIED,
	attio.SQLString: attiov1.SqlType_SQL_TYPE_STRING,
	attio.SQLNumber: attiov1.SqlType_SQL_TYPE_NUMBER,
	attio.SQLBool:   attiov1.SqlType_SQL_TYPE_BOOLEAN,
	attio.SQLJSON:   attiov1.SqlType_SQL_TYPE_JSON,
}

// QuerySql runs the query and streams the result: columns first, then rows_per_message rows per
// message. Attio's errors take the one mapping of upstreamError (a filter_error is InvalidArgument
// with its reason, as for a bad record filter).
func (s *SqlService) QuerySql(ctx context.Context, req *attiov1.QuerySqlRequest, stream attiov1connect.SqlServiceQuerySqlServerStream) error {
	res, err := s.client.QuerySQL(ctx, req.GetSql())
	if err != nil {
		return upstreamError(err)
	}
	per := pageSize(req.GetRowsPerMessage(), defaultSQLRowsPerMessage)
	msg := &attiov1.QuerySqlResponse{Columns: make([]*attiov1.SqlColumn, 0, len(res.Columns))}
	for _, c := range res.Columns {
		t := sqlTypes[c.Kind]
		if c.Mixed {
			t = attiov1.SqlType_SQL_TYPE_MIXED
		}
		msg.Columns = append(msg.Columns, &attiov1.SqlColumn{Name: c.Name, Type: t})
	}
	rows := res.Rows
	for {
		n := min(per, len(rows))
		msg.Rows = make([]*attiov1.SqlRow, 0, n)
		for _, r := range rows[:n] {
			msg.Rows = append(msg.Rows, toSQLRow(r))
		}
		rows = rows[n:]
		if err := stream.Send(msg); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		msg = &attiov1.QuerySqlResponse{}
	}
}

func toSQLRow(cells []attio.SQLValue) *attiov1.SqlRow {
	out := &attiov1.SqlRow{Values: make([]*attiov1.SqlValue, 0, len(cells))}
	for _, c := range cells {
		v := &attiov1.SqlValue{}
		switch c.Kind {
		case attio.SQLString:
			v.Kind = &attiov1.SqlValue_StringValue{StringValue: c.Text}
		case attio.SQLNumber:
			v.Kind = &attiov1.SqlValue_NumberValue{NumberValue: &attiov1.Decimal{Value: c.Text}}
		case attio.SQLBool:
			v.Kind = &attiov1.SqlValue_BoolValue{BoolValue: c.Text == "true"}
		case attio.SQLJSON:
			v.Kind = &attiov1.SqlValue_JsonValue{JsonValue: c.Text}
		default:
			v.Kind = &attiov1.SqlValue_NullValue{NullValue: true}
		}
		out.Values = append(out.Values, v)
	}
	return out
}
