# Sourced by deploy scripts: reads the Spark authentication secret into $secret (empty = no auth).
# From LOCKSTEP_SPARK_SECRET_FILE (a file holding the secret) or LOCKSTEP_SPARK_SECRET; never from
# the command line. Needs a die() function.
lockstep_read_secret() {
  secret=""
  if [ -n "${LOCKSTEP_SPARK_SECRET_FILE:-}" ]; then
    [ -r "$LOCKSTEP_SPARK_SECRET_FILE" ] || die "LOCKSTEP_SPARK_SECRET_FILE: cannot read $LOCKSTEP_SPARK_SECRET_FILE"
    secret="$(cat "$LOCKSTEP_SPARK_SECRET_FILE")"
    [ -n "$secret" ] || die "LOCKSTEP_SPARK_SECRET_FILE: $LOCKSTEP_SPARK_SECRET_FILE is empty"
  elif [ -n "${LOCKSTEP_SPARK_SECRET:-}" ]; then
    secret="$LOCKSTEP_SPARK_SECRET"
  fi
  case "$secret" in *$'\n'*) die "the Spark secret must be a single line";; esac
}
