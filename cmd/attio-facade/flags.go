package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// envFlags binds flags whose defaults come from environment variables, so every setting can be given
// either way (flags win). Secrets are environment-only: flags are visible in the process table.
//
// After parsing, every value the user gave (flag or environment) passes its flag's rules, so an
// out-of-range value stops the command at start with a message naming the flag. Durations may
// never be negative; numbers take rules at registration (atLeast, within).
type envFlags struct {
	*flag.FlagSet
	getenv  func(string) string
	errs    []error
	types   map[string]string // flag -> the word shown in help ("int", "duration", ...)
	fromEnv map[string]bool   // flags whose value came from the environment
	checks  []flagCheck
}

type flagCheck struct {
	name string
	ok   func() bool
	want string
}

// rule is a condition on a numeric flag's value, with what it says when the value breaks it.
type rule struct {
	ok   func(float64) bool
	want string
}

func atLeast(lo float64) rule {
	return rule{func(v float64) bool { return v >= lo }, fmt.Sprintf("at least %g", lo)}
}

// within is the half-open range [lo, hi).
func within(lo, hi float64) rule {
	return rule{func(v float64) bool { return v >= lo && v < hi }, fmt.Sprintf("in [%g, %g)", lo, hi)}
}

// between is the closed range [lo, hi].
func between(lo, hi float64) rule {
	return rule{func(v float64) bool { return v >= lo && v <= hi }, fmt.Sprintf("from %g to %g", lo, hi)}
}

func newEnvFlags(name string, getenv func(string) string) *envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors and help itself
	return &envFlags{FlagSet: fs, getenv: getenv, types: map[string]string{}, fromEnv: map[string]bool{}}
}

// env reads a flag's environment variable and parses it with parse; a bad value is reported
// after parsing, naming the variable.
func envValue[T any](f *envFlags, name, env, what string, def T, parse func(string) (T, error)) T {
	v := f.getenv(env)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		f.errs = append(f.errs, fmt.Errorf("%s: %q is not %s", env, v, what))
		return def
	}
	f.fromEnv[name] = true
	return x
}

func (f *envFlags) addRules(name string, get func() float64, rules []rule) {
	for _, r := range rules {
		f.checks = append(f.checks, flagCheck{name: name, ok: func() bool { return r.ok(get()) }, want: r.want})
	}
}

func (f *envFlags) str(p *string, name, env, def, usage string) {
	def = envValue(f, name, env, "a string", def, func(s string) (string, error) { return s, nil })
	f.StringVar(p, name, def, usage+" (env "+env+")")
	f.types[name] = "string"
}

func (f *envFlags) float(p *float64, name, env string, def float64, usage string, rules ...rule) {
	def = envValue(f, name, env, "a number", def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	f.Float64Var(p, name, def, usage+" (env "+env+")")
	f.types[name] = "number"
	f.addRules(name, func() float64 { return *p }, rules)
}

// integer is an int flag that refuses anything but a whole number ("2.5" is an error, not 2).
func (f *envFlags) integer(p *int, name, env string, def int, usage string, rules ...rule) {
	def = envValue(f, name, env, "an integer", def, strconv.Atoi)
	*p = def
	f.Var((*intValue)(p), name, usage+" (env "+env+")")
	f.types[name] = "int"
	f.addRules(name, func() float64 { return float64(*p) }, rules)
}

func (f *envFlags) duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	def = envValue(f, name, env, "a duration", def, time.ParseDuration)
	f.DurationVar(p, name, def, usage+" (env "+env+")")
	f.types[name] = "duration"
	f.checks = append(f.checks, flagCheck{name: name, ok: func() bool { return *p >= 0 }, want: "a duration of 0 or more"})
}

func (f *envFlags) boolean(p *bool, name, env string, def bool, usage string) {
	def = envValue(f, name, env, "a boolean", def, strconv.ParseBool)
	f.BoolVar(p, name, def, usage+" (env "+env+")")
	f.types[name] = ""
}

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 0)
	if err != nil {
		return errors.New("not an integer")
	}
	*v = intValue(n)
	return nil
}

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }

func (f *envFlags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequested(f.usage())
		}
		return usageError{fmt.Errorf("%s: %s (see 'attio-facade %s -h')", f.Name(), strings.Replace(err.Error(), "flag -", "flag --", 1), f.Name())}
	}
	if len(f.errs) > 0 {
		return usageError{fmt.Errorf("%s: %w", f.Name(), f.errs[0])}
	}
	if f.NArg() > 0 {
		return usageError{fmt.Errorf("%s: unexpected arguments: %s", f.Name(), strings.Join(f.Args(), " "))}
	}
	given := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, c := range f.checks {
		// Defaults are the program's own (a negative one may mean "derive it"); only what the
		// user gave is checked.
		if (given[c.name] || f.fromEnv[c.name]) && !c.ok() {
			return usageError{fmt.Errorf("%s: --%s %s: must be %s", f.Name(), c.name, f.Lookup(c.name).Value, c.want)}
		}
	}
	return nil
}

// usage is a command's help: its summary and its flags, each with type, default and variable.
func (f *envFlags) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: attio-facade %s [flags]\n\n", f.Name())
	for _, c := range commands() {
		if c.name == f.Name() {
			b.WriteString(c.summary + "\n\n")
		}
	}
	b.WriteString("Flags:\n")
	f.VisitAll(func(fl *flag.Flag) {
		fmt.Fprintf(&b, "  --%s", fl.Name)
		t, ok := f.types[fl.Name]
		if !ok {
			t, _ = flag.UnquoteUsage(fl)
		}
		if t != "" {
			b.WriteString(" " + t)
		}
		fmt.Fprintf(&b, "\n    \t%s", fl.Usage)
		if fl.DefValue != "" {
			fmt.Fprintf(&b, " (default %s)", fl.DefValue)
		}
		b.WriteString("\n")
	})
	return b.String()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// byteSize is a flag value of bytes, written plainly or with an IEC unit: 268435456, 256MiB, 1GiB.
type byteSize int64

var byteUnits = []struct {
	suffix string
	n      int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}

func parseByteSize(s string) (int64, error) {
	for _, u := range byteUnits {
		num, ok := strings.CutSuffix(strings.TrimSpace(s), u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > (1<<62)/u.n {
			break
		}
		return n * u.n, nil
	}
	return 0, fmt.Errorf("%q is not a size (bytes, or a number with KiB, MiB or GiB)", s)
}

func (b *byteSize) String() string {
	for _, u := range byteUnits[:3] {
		if *b != 0 && int64(*b)%u.n == 0 {
			return strconv.FormatInt(int64(*b)/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func (f *envFlags) bytes(p *int64, name, env string, def int64, usage string) {
	v := (*byteSize)(p)
	*v = byteSize(def)
	if s := f.getenv(env); s != "" {
		if err := v.Set(s); err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s: %w", env, err))
		}
	}
	f.Var(v, name, usage+" (env "+env+")")
}
