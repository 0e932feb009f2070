/**
 * Examples for the help screen of every command, keyed by command path. Used only for a command
 * whose own module adds no "Examples:" block (addHelpText); the integrator removes entries once
 * each command carries its own. The first example of each is also the one `-o json` is tried with.
 */
export const EXAMPLES: Record<string, readonly string[]> = {
  migrate: ['medicalcor migrate status', 'medicalcor migrate up --env staging', 'medicalcor migrate lint -o github'],
  'migrate new': [
    'medicalcor migrate new add_leads_source',
    'medicalcor --migrations-dir db/migrations migrate new add_consent_scope',
  ],
  'migrate status': ['medicalcor migrate status', 'medicalcor migrate status --env staging -o json'],
  'migrate verify': ['medicalcor migrate verify', 'medicalcor migrate verify --roundtrip'],
  'migrate lint': [
    'medicalcor migrate lint',
    'medicalcor migrate lint -o github   # annotations in a GitHub Actions job',
  ],
  'migrate plan': ['medicalcor migrate plan', 'medicalcor migrate plan --down 2 --env staging'],
  'migrate up': [
    'medicalcor migrate up --dry-run',
    'medicalcor migrate up --env staging',
    'medicalcor migrate up --env prod --yes   # from a script',
  ],
  'migrate down': ['medicalcor migrate down --dry-run', 'medicalcor migrate down 2 --env staging'],
  'migrate baseline': ['medicalcor migrate baseline --env prod'],
  schema: ['medicalcor schema check', 'medicalcor schema diff migrations live --env staging'],
  'schema dump': ['medicalcor schema dump', 'medicalcor schema dump --from live --env staging --out live.json'],
  'schema diff': [
    'medicalcor schema diff migrations live',
    'medicalcor schema diff src/migrations/schema.snapshot.json live --env staging -o json',
  ],
  'schema check': [
    'medicalcor schema check',
    'medicalcor schema check -o github   # in CI: annotations, exit 3 on drift',
    'medicalcor schema check --live --env staging',
  ],
  trace: [
    'medicalcor trace demo-journey-0001',
    'medicalcor trace --failed --since 1d',
    'medicalcor trace demo-journey-0001 --view waterfall --html report.html',
  ],
  runbook: ['medicalcor runbook list', 'medicalcor runbook run dlq-replay -p queue=hubspot'],
  'runbook list': ['medicalcor runbook list', 'medicalcor runbook list -o json'],
  'runbook show': ['medicalcor runbook show dlq-replay'],
  'runbook new': [
    'medicalcor runbook new redis-memory-high',
    'medicalcor runbook new redis-memory-high --dir ops/runbooks',
  ],
  'runbook validate': ['medicalcor runbook validate runbooks/*.yaml'],
  'runbook run': [
    'medicalcor runbook run dlq-replay -p queue=hubspot',
    'medicalcor runbook run dlq-replay -p queue=hubspot --execute --env staging',
  ],
  'runbook resume': ['medicalcor runbook resume 42', 'medicalcor runbook resume 42 --execute --env staging'],
  'runbook history': [
    'medicalcor runbook history',
    'medicalcor runbook history dlq-replay --limit 5',
    'medicalcor runbook history --run 42',
  ],
  'runbook for-alert': [
    'medicalcor runbook for-alert alert.json',
    'medicalcor runbook for-alert alert.json --execute --env prod --yes -o json',
  ],
  breaker: ['medicalcor breaker list', 'medicalcor breaker open hubspot --for 30m --reason "INC-42"'],
  'breaker list': ['medicalcor breaker list', 'medicalcor breaker list --pods --env prod'],
  'breaker reset': ['medicalcor breaker reset hubspot', 'medicalcor breaker reset hubspot --pods --env prod --yes'],
  'breaker open': ['medicalcor breaker open openai --for 30m --reason "INC-42 provider outage"'],
  'breaker probe': ['medicalcor breaker probe hubspot'],
  budget: ['medicalcor budget status', 'medicalcor budget freeze --reason "runaway loop"'],
  'budget status': ['medicalcor budget status', 'medicalcor budget status --tenant clinic-7 -o json'],
  'budget set': [
    'medicalcor budget set --daily 50 --monthly 1200',
    'medicalcor budget set --tenant clinic-7 --daily 5 --soft',
  ],
  'budget freeze': [
    'medicalcor budget freeze --reason "runaway loop"',
    'medicalcor budget freeze --tenant clinic-7 --env prod --yes',
  ],
  'budget unfreeze': ['medicalcor budget unfreeze', 'medicalcor budget unfreeze --tenant clinic-7'],
  'budget reconcile': ['medicalcor budget reconcile', 'medicalcor budget reconcile --repair --env staging'],
  sla: ['medicalcor sla status', 'medicalcor sla report --from now-30d --format html --out sla.html'],
  'sla list': ['medicalcor sla list', 'medicalcor sla list -o json'],
  'sla status': [
    'medicalcor sla status',
    'medicalcor sla status --sla api-availability --queries',
    'medicalcor sla status --at 2026-11-30T12:00:00Z -o json',
  ],
  'sla report': [
    'medicalcor sla report --from now-30d',
    'medicalcor sla report --from 2026-11-01 --to 2026-12-01 --format html --out sla.html',
  ],
  'sla rules': ['medicalcor sla rules > rules.yml && promtool check rules rules.yml'],
  check: [
    'medicalcor check',
    'medicalcor check --only database,migrations-pending',
    'medicalcor check -o github   # annotations in CI',
    'medicalcor check --list',
  ],
  demo: ['medicalcor demo', 'medicalcor demo -o json | jq .check.score'],
  completion: [
    'medicalcor completion bash > ~/.local/share/bash-completion/completions/medicalcor',
    'medicalcor completion zsh > "${fpath[1]}/_medicalcor"',
    'medicalcor completion fish > ~/.config/fish/completions/medicalcor.fish',
  ],
};

/**
 * Exit codes beyond 0/1/2/130 per command path (a noun's entry covers its verbs): 3 the command
 * found a problem, 4 partial. The full table is in the README ("Exit codes").
 */
export const EXTRA_EXIT_CODES: Record<string, readonly (3 | 4)[]> = {
  'migrate status': [3],
  'migrate verify': [3],
  'migrate lint': [3],
  schema: [3],
  'schema dump': [],
  trace: [3, 4],
  'runbook validate': [3],
  'runbook run': [3],
  'runbook resume': [3],
  'runbook for-alert': [3],
  'breaker list': [3, 4],
  'breaker probe': [3],
  'budget status': [3, 4],
  'budget reconcile': [3],
  'events check': [3],
  'events schemas': [3],
  'projections status': [3],
  'snapshots status': [3],
  'sagas list': [3],
  'dlq replay': [3],
  'sla status': [3, 4],
  'sla report': [3, 4],
  check: [3],
};

/** The docs page a command's "Learn more" line names (docs/<noun>.md when it exists). */
export const DOCS_PAGE: Record<string, string> = {
  demo: 'README.md',
  completion: 'docs/completion.md',
};
