#!/usr/bin/env bash
# Submits `lockstep train` to Kubernetes with plain spark-submit (cluster deploy mode: Spark's
# Kubernetes client creates the driver pod, the driver creates the executor pods). The same settings
# as the Spark Operator route in k8s/ (image, namespace, service account, security context, volumes),
# without needing the operator:
#
#   deploy/k8s-submit.sh https://HOST:PORT [spark-submit options...] [-- train options...]
#
# Default application arguments: `train @/etc/lockstep/train.args` (the ConfigMap from k8s/, mounted
# by k8s/pod-templates/driver.yaml). Extra arguments after `--` replace them, e.g.
#   deploy/k8s-submit.sh https://10.0.0.1:6443 -- train --steps 50 --out /data/runs/try1
#
# Prerequisites in the cluster (see README "Run on Kubernetes"): the namespace, service account and
# Role from k8s/ (`kubectl apply -k k8s/overlays/dev` creates them, plus the ConfigMap and the PVC),
# and the Secret lockstep-spark-auth (key `secret`). The image holds the jar at /opt/lockstep/lockstep.jar.
#
# Spark on this machine: the Maven-built SPARK_HOME of deploy/standalone/make-spark-home.sh has no
# spark-kubernetes jars, so this script lays out a separate SPARK_HOME (deploy/standalone/.spark-home/k8s-home)
# = those jars + org.apache.spark:spark-kubernetes_2.12:<spark.version> with its runtime dependencies
# (fabric8 kubernetes-client 6.7.2), resolved by Maven. A real Spark 3.5.6 distribution works too:
# set SPARK_HOME to it (anything with jars/spark-kubernetes_*.jar is used as is).
#
# Environment (all optional):
#   LOCKSTEP_IMAGE       image (default registry.example.com/lockstep/lockstep:0.1.0-SNAPSHOT; pinned, never latest)
#   LOCKSTEP_NAMESPACE   namespace (default lockstep)
#   LOCKSTEP_EXECUTORS   executor count (default 2)
#   LOCKSTEP_DRIVER_MEMORY / LOCKSTEP_EXECUTOR_MEMORY   (default 1g each) ; cores: 1 each
#   LOCKSTEP_K8S_SUBMIT_DRY_RUN=1   print the spark-submit command (one argument per line) instead of running it
#   SPARK_HOME, LOCKSTEP_MVN_FLAGS (e.g. -o)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
die() { echo "k8s-submit: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: k8s-submit.sh https://HOST:PORT [spark-submit options...] [-- train options...]"
API="$1"; shift
case "$API" in
  https://*|http://*) MASTER="k8s://$API" ;;
  k8s://*) MASTER="$API" ;;
  *) die "the first argument must be the API server URL, e.g. https://HOST:PORT" ;;
esac
SUBMIT_OPTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; break ;;
    *) SUBMIT_OPTS+=("$1"); shift ;;
  esac
done
APP_ARGS=("$@")
[ ${#APP_ARGS[@]} -gt 0 ] || APP_ARGS=(train @/etc/lockstep/train.args)

IMAGE="${LOCKSTEP_IMAGE:-registry.example.com/lockstep/lockstep:0.1.0-SNAPSHOT}"
case "${IMAGE##*/}" in *:*) ;; *) die "LOCKSTEP_IMAGE must carry a pinned tag or digest: $IMAGE" ;; esac
case "$IMAGE" in *:latest) die "LOCKSTEP_IMAGE: use a pinned tag, not latest" ;; esac
NS="${LOCKSTEP_NAMESPACE:-lockstep}"

command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || die "java not found: install a Java 17 JDK"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

make_k8s_spark_home() {
  local base spark_version tmp dir
  base="$("$HERE/standalone/make-spark-home.sh" | tail -1)" || die "could not make the base SPARK_HOME"
  dir="$base/k8s-home"   # inside the (git-ignored) base SPARK_HOME
  spark_version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
  local stamp="spark-kubernetes=$spark_version base=$(cat "$base/.lockstep-spark-home")"
  if [ -f "$dir/.lockstep-spark-home" ] && [ "$(cat "$dir/.lockstep-spark-home")" = "$stamp" ]; then
    echo "$dir"; return
  fi
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven"
  echo "k8s-submit: adding spark-kubernetes_2.12:$spark_version to $dir/jars ..." >&2
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/lockstep-k8s-home.XXXXXX")"
  mkdir -p "$tmp/jars"
  cp "$base"/jars/*.jar "$tmp/jars/"
  cat > "$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>io.lockstep</groupId><artifactId>k8s-spark-home</artifactId><version>0</version>
  <dependencyManagement><dependencies><dependency><groupId>com.fasterxml.jackson</groupId>
    <artifactId>jackson-bom</artifactId><version>2.15.2</version><type>pom</type><scope>import</scope>
  </dependency></dependencies></dependencyManagement>
  <dependencies><dependency><groupId>org.apache.spark</groupId>
    <artifactId>spark-kubernetes_2.12</artifactId><version>$spark_version</version></dependency></dependencies>
</project>
POM
  # shellcheck disable=SC2086
  (cd "$tmp" && mvn -B -q ${LOCKSTEP_MVN_FLAGS:-} dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$tmp/k8s") >&2 || { rm -rf "$tmp"; die "mvn could not resolve spark-kubernetes_2.12:$spark_version"; }
  # Add only artifacts the base set lacks (spark-kubernetes, fabric8, ...): one version of everything.
  local j name
  for j in "$tmp"/k8s/*.jar; do
    name="$(basename "$j" | sed 's/-[0-9][^-]*\(-[A-Za-z0-9_.]*\)\{0,1\}\.jar$//')"
    ls "$tmp/jars/$name"-[0-9]*.jar >/dev/null 2>&1 || cp "$j" "$tmp/jars/"
  done
  mkdir -p "$dir"; rm -rf "$dir/jars"; mv "$tmp/jars" "$dir/jars"; rm -rf "$tmp"
  mkdir -p "$dir/conf"
  echo "$stamp" > "$dir/.lockstep-spark-home"
  echo "$dir"
}

if [ -z "${SPARK_HOME:-}" ] || ! ls "$SPARK_HOME"/jars/spark-kubernetes_*.jar >/dev/null 2>&1; then
  SPARK_HOME="$(make_k8s_spark_home | tail -1)"
fi
export SPARK_HOME

T="$ROOT/k8s/pod-templates"
CONFS=(
  --conf "spark.kubernetes.namespace=$NS"
  --conf "spark.kubernetes.container.image=$IMAGE"
  --conf spark.kubernetes.container.image.pullPolicy=IfNotPresent
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=lockstep-spark
  --conf "spark.kubernetes.driver.podTemplateFile=$T/driver.yaml"
  --conf "spark.kubernetes.executor.podTemplateFile=$T/executor.yaml"
  --conf spark.kubernetes.driver.podTemplateContainerName=spark-kubernetes-driver
  --conf spark.kubernetes.executor.podTemplateContainerName=spark-kubernetes-executor
  --conf spark.kubernetes.submission.waitAppCompletion=false
  --conf spark.kubernetes.driver.request.cores=1
  --conf spark.kubernetes.driver.limit.cores=1
  --conf spark.kubernetes.executor.request.cores=1
  --conf spark.kubernetes.executor.limit.cores=1
  --conf spark.driver.cores=1
  --conf spark.executor.cores=1
  --conf "spark.driver.memory=${LOCKSTEP_DRIVER_MEMORY:-1g}"
  --conf "spark.executor.memory=${LOCKSTEP_EXECUTOR_MEMORY:-1g}"
  --conf "spark.executor.instances=${LOCKSTEP_EXECUTORS:-2}"
  --conf spark.authenticate=true
  --conf spark.authenticate.secret.driver.file=/etc/lockstep/spark-auth/secret
  --conf spark.authenticate.secret.executor.file=/etc/lockstep/spark-auth/secret
  --conf "spark.driver.extraJavaOptions=-Duser.home=/tmp -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
  --conf "spark.executor.extraJavaOptions=-Duser.home=/tmp -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
  --conf spark.executorEnv.OMP_NUM_THREADS=1
)

read -r -a JVM_FLAGS <<< "$("$ROOT/bin/lockstep-jvm-flags")"
CMD=("$JAVA" "${JVM_FLAGS[@]}" -cp "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/:$SPARK_HOME/jars/*"
  org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode cluster
  --name lockstep-train --class io.lockstep.app.Main
  "${CONFS[@]}" "${SUBMIT_OPTS[@]}" local:///opt/lockstep/lockstep.jar "${APP_ARGS[@]}")
if [ "${LOCKSTEP_K8S_SUBMIT_DRY_RUN:-0}" = 1 ]; then printf '%s\n' "${CMD[@]}"; exit 0; fi
exec "${CMD[@]}"
