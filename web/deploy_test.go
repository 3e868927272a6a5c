package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// configNames are the documented SAMOOBSLUHA_* settings a deployment may
// set (README.md, "Configuration").
var configNames = []string{
	"SAMOOBSLUHA_ADDR", "SAMOOBSLUHA_REDIS_URL", "SAMOOBSLUHA_UPGATES_URL", "SAMOOBSLUHA_UPGATES_LOGIN",
	"SAMOOBSLUHA_UPGATES_KEY", "SAMOOBSLUHA_PUBLIC_URL", "SAMOOBSLUHA_VOICE_TOKEN", "SAMOOBSLUHA_CONFIG",
	"SAMOOBSLUHA_LOG_LEVEL", "SAMOOBSLUHA_LOG_FORMAT", "SAMOOBSLUHA_SECRET", "SAMOOBSLUHA_ALLOWED_ORIGINS",
}

type composeService struct {
	Image       string    `yaml:"image"`
	Build       yaml.Node `yaml:"build"`
	Command     []string  `yaml:"command"`
	Environment yaml.Node `yaml:"environment"`
	Ports       []string  `yaml:"ports"`
	Profiles    []string  `yaml:"profiles"`
	DependsOn   yaml.Node `yaml:"depends_on"`
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

// envVar is one environment entry of a service and its line.
type envVar struct {
	name, value string
	line        int
}

func serviceEnv(t *testing.T, svc string, n yaml.Node) []envVar {
	t.Helper()
	var out []envVar
	switch n.Kind {
	case 0:
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, envVar{n.Content[i].Value, n.Content[i+1].Value, n.Content[i].Line})
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			name, value, _ := strings.Cut(c.Value, "=")
			out = append(out, envVar{name, value, c.Line})
		}
	default:
		t.Errorf("service %s: environment at line %d must be a map or a list", svc, n.Line)
	}
	return out
}

func dependsOn(n yaml.Node) []string {
	var out []string
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, c.Value)
		}
	case yaml.MappingNode:
		for i := 0; i < len(n.Content); i += 2 {
			out = append(out, n.Content[i].Value)
		}
	}
	return out
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)`)

func TestComposeFile(t *testing.T) {
	root := filepath.Join("..")
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range configNames {
		if !strings.Contains(string(readme), name) {
			t.Errorf("%s is not documented in README.md", name)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	var cf composeFile
	if err := doc.Decode(&cf); err != nil {
		t.Fatalf("decode docker-compose.yml: %v", err)
	}
	if _, ok := cf.Services["redis"]; !ok {
		t.Fatal("no redis service")
	}
	if !strings.HasPrefix(cf.Services["redis"].Image, "redis:") {
		t.Errorf("redis service image %q, want redis:*", cf.Services["redis"].Image)
	}

	var instances []string
	for name, svc := range cf.Services {
		for _, e := range serviceEnv(t, name, svc.Environment) {
			if !slices.Contains(configNames, e.name) {
				t.Errorf("docker-compose.yml:%d: service %s sets %s, not a documented setting", e.line, name, e.name)
			}
			for _, m := range interpolation.FindAllStringSubmatch(e.value, -1) {
				if !slices.Contains(configNames, m[1]) {
					t.Errorf("docker-compose.yml:%d: service %s reads ${%s}, not a documented setting", e.line, name, m[1])
				}
			}
		}
		if name != "redis" && len(svc.Profiles) == 0 {
			instances = append(instances, name)
		}
	}
	slices.Sort(instances)
	if len(instances) < 2 {
		t.Fatalf("samoobsluha instances %v, want at least two", instances)
	}
	var redisURL, secret string
	var ports []string
	for i, name := range instances {
		svc := cf.Services[name]
		env := map[string]string{}
		for _, e := range serviceEnv(t, name, svc.Environment) {
			env[e.name] = e.value
		}
		if !strings.Contains(env["SAMOOBSLUHA_REDIS_URL"], "//redis:6379") {
			t.Errorf("%s: SAMOOBSLUHA_REDIS_URL %q, want the redis service", name, env["SAMOOBSLUHA_REDIS_URL"])
		}
		if !strings.Contains(env["SAMOOBSLUHA_SECRET"], ":?") {
			t.Errorf("%s: SAMOOBSLUHA_SECRET %q, want it required (${SAMOOBSLUHA_SECRET:?...})", name, env["SAMOOBSLUHA_SECRET"])
		}
		if i == 0 {
			redisURL, secret = env["SAMOOBSLUHA_REDIS_URL"], env["SAMOOBSLUHA_SECRET"]
		} else if env["SAMOOBSLUHA_REDIS_URL"] != redisURL || env["SAMOOBSLUHA_SECRET"] != secret {
			t.Errorf("%s: Redis URL or secret differs from %s: the instances must share both", name, instances[0])
		}
		if !slices.Contains(dependsOn(svc.DependsOn), "redis") {
			t.Errorf("%s does not depend on redis", name)
		}
		if slices.Contains(dependsOn(svc.DependsOn), "fake-upgates") {
			t.Errorf("%s depends on the optional fake-upgates service", name)
		}
		if len(svc.Ports) != 1 {
			t.Errorf("%s ports %v, want one published port", name, svc.Ports)
		}
		ports = append(ports, svc.Ports...)
		if svc.Build.Kind == 0 && svc.Image == "" {
			t.Errorf("%s has neither build nor image", name)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ports)))) != len(ports) {
		t.Errorf("instances publish the same port: %v", ports)
	}
	fake, ok := cf.Services["fake-upgates"]
	if !ok {
		t.Fatal("no fake-upgates service")
	}
	if !slices.Contains(fake.Profiles, "fake") {
		t.Errorf("fake-upgates profiles %v, want the optional profile \"fake\"", fake.Profiles)
	}
	if want := []string{"fake-upgates", "-addr", ":9090"}; !slices.Equal(fake.Command, want) {
		t.Errorf("fake-upgates command %q, want %q", fake.Command, want)
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]string // instructions per stage
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("instruction before FROM: %s", line)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], line)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build", len(stages))
	}
	build := strings.Join(stages[0], "\n")
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "./cmd/samoobsluha") {
		t.Errorf("build stage does not build a static ./cmd/samoobsluha:\n%s", build)
	}
	final := stages[len(stages)-1]
	var user, entry string
	for _, ins := range final {
		if v, ok := strings.CutPrefix(ins, "USER "); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(ins, "ENTRYPOINT "); ok {
			entry = v
		}
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("final stage USER %q, want a non-root user", user)
	}
	if !strings.Contains(final[0], "static") && !strings.Contains(final[0], "scratch") {
		t.Errorf("final stage %q, want a small static base", final[0])
	}
	if entry == "" {
		t.Error("final stage has no ENTRYPOINT")
	}
}
