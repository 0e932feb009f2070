/** CLI hints for the domain error codes of `medicalcor breaker`: code → what to run or pass next. */
export const breakerHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'breaker-unknown': (facts) => {
    const known = (facts.known as string[] | undefined) ?? [];
    return known.length
      ? `Known breakers: ${known.join(', ')} (see "medicalcor breaker list").`
      : 'No service has used a shared breaker with this key prefix yet (check --env / MEDICALCOR_REDIS_PREFIX).';
  },
  'breaker-bad-threshold': () => 'Pass whole numbers of at least 1, e.g. --failure-threshold 5.',
  'redis-unreachable': () =>
    'Check that Redis is running and MEDICALCOR_REDIS_URL (or redisUrl in medicalcor.config.yaml) is right.',
  'redis-bad-url': () =>
    'Write MEDICALCOR_REDIS_URL as redis://host:port, redis+cluster://host:port,host:port or ' +
    'redis+sentinel://host:port/master.',
};
