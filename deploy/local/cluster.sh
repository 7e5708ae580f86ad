#!/usr/bin/env bash
# A real Flink or Spark cluster on this machine (loopback), for crawlwash runs, tests and benchmarks.
#
#   deploy/local/cluster.sh up flink [--taskmanagers N] [--pin]
#                                                          JobManager, N TaskManagers (default 2; own JVMs, 1 slot
#                                                          each), a Beam worker pool beside each, Beam's Flink job
#                                                          server; --pin: TaskManager i and its pool (harnesses and
#                                                          extraction sandboxes included) on CPU i-1 only, one core
#                                                          per TaskManager as on a cluster node (benchmarks)
#   deploy/local/cluster.sh up spark [--workers N]        Spark standalone master, N workers (1 core each), a
#                                                          Beam worker pool beside each, Beam's Spark job server
#   deploy/local/cluster.sh args flink|spark               the Beam options `crawlwash run` needs, on one line
#   deploy/local/cluster.sh status                         one line per running process: `role pid`
#   deploy/local/cluster.sh spark-submit JAR               run a job jar (crawlwash run ... --output_executable_path=JAR)
#                                                          with Spark's own spark-submit, as Dataproc does
#   deploy/local/cluster.sh down [flink|spark]             stops what `up` started (by pid), nothing else
#   deploy/local/cluster.sh fetch [flink|spark|all]        the distributions and job-server jars into .cache/
#                                                          (`make cluster-deps` runs it; `up` runs make)
#
# Versions: Flink 1.19.3 (the `apache-flink` wheel's bin/ and conf/ with `apache-flink-libraries`' lib/, from
# PyPI), Spark 3.5.8 (the `pyspark` sdist's jars and scripts, from PyPI), and Beam's job servers at the Beam
# version pyproject.toml pins, from Maven Central (deploy/local/jobserver/*.xml). Nothing is fetched at run time.
#
# Layout (the sidecar layout of the Flink Kubernetes operator, on one machine): each TaskManager (or Spark worker)
# has its own Beam Python worker pool (deploy/local/worker_pool.py on 127.0.1.<i>:50000, or 127.0.2.<i> for
# Spark), and its JVM resolves `crawlwash-worker-pool` to that address through a private hosts file, so every
# worker gets the same `--environment_config=crawlwash-worker-pool:50000` and starts its SDK harnesses in its own
# pool. A TaskManager that dies is started again 3 s later (as Kubernetes restarts a TaskManager container), and
# Flink restarts the job by its restart strategy (fixed delay, 10 attempts, 5 s apart; a lost TaskManager is
# noticed within 10 s). Spark workers are not restarted: Spark reschedules the lost tasks on the workers left.
#
# Ports (environment overrides): FLINK_REST_PORT 8081, FLINK_RPC_PORT 6123, FLINK_JOB_PORT 8099 (+ artifact
# 8098, expansion 8097), SPARK_MASTER_PORT 7077, SPARK_UI_PORT 8080, SPARK_JOB_PORT 8199 (+ 8198, 8197),
# POOL_PORT 50000. State, logs and pid files: .cache/cluster/<flink|spark>/.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${CRAWLWASH_CACHE:-$REPO/.cache}
STATE=$CACHE/cluster
VENV=$REPO/.venv
PY=$VENV/bin/python

FLINK_VERSION=1.19.3
FLINK_MINOR=${FLINK_VERSION%.*}
SPARK_VERSION=3.5.8
BEAM_VERSION=$(sed -n 's/.*"apache-beam==\([0-9.]*\)".*/\1/p' "$REPO/pyproject.toml" | head -n1)
FLINK_HOME=$CACHE/flink-$FLINK_VERSION
SPARK_HOME=$CACHE/spark-$SPARK_VERSION
FLINK_JOBSERVER=$CACHE/beam-$BEAM_VERSION/flink-$FLINK_MINOR-job-server
SPARK_JOBSERVER=$CACHE/beam-$BEAM_VERSION/spark-3-job-server

FLINK_REST_PORT=${FLINK_REST_PORT:-8081}
FLINK_RPC_PORT=${FLINK_RPC_PORT:-6123}
FLINK_JOB_PORT=${FLINK_JOB_PORT:-8099}
SPARK_MASTER_PORT=${SPARK_MASTER_PORT:-7077}
SPARK_UI_PORT=${SPARK_UI_PORT:-8080}
SPARK_JOB_PORT=${SPARK_JOB_PORT:-8199}
POOL_PORT=${POOL_PORT:-50000}
POOL_HOST=crawlwash-worker-pool
# A worker keeps its SDK harnesses this long after a stage ends, so the next stage reuses them (Beam's default, 0,
# starts fresh harnesses, with their model loading, for each of the job's stages).
ENV_CACHE_MS=${ENV_CACHE_MS:-300000}

die() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*" >&2; }

# -- fetch (build time) -------------------------------------------------------------------------------------------

pip_download() {  # pip_download DEST ARGS...: one package, no dependencies, from the package index
    local dest=$1; shift
    mkdir -p "$dest"
    "$PY" -m pip download --quiet --no-deps --dest "$dest" "$@"
}

mvn_classpath() {  # mvn_classpath POM DEST [-Dprop=value ...]: a job server's runtime jars
    local pom=$1 dest=$2; shift 2
    local tmp="$dest.tmp"
    rm -rf "$tmp"
    mvn -q -B -f "$pom" -Dbeam.version="$BEAM_VERSION" "$@" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" || die "mvn could not resolve $pom (Beam $BEAM_VERSION)"
    rm -rf "$dest" && mv "$tmp" "$dest"
}

fetch_flink() {
    if [ ! -f "$FLINK_HOME/.complete" ]; then
        say "fetching Flink $FLINK_VERSION (apache-flink and apache-flink-libraries from PyPI) into $FLINK_HOME"
        local dl=$CACHE/downloads
        pip_download "$dl" --only-binary=:all: "apache-flink==$FLINK_VERSION"
        pip_download "$dl" --no-binary=:all: "apache-flink-libraries==$FLINK_VERSION"
        rm -rf "$FLINK_HOME.tmp" && mkdir -p "$FLINK_HOME.tmp"
        local wheel
        wheel=$(ls "$dl"/apache_flink-"$FLINK_VERSION"-*.whl | head -n1)
        (cd "$FLINK_HOME.tmp" && "$PY" -m zipfile -e "$wheel" wheel >/dev/null \
            && mv wheel/pyflink/bin wheel/pyflink/conf . && rm -rf wheel)
        tar -xzf "$dl/apache-flink-libraries-$FLINK_VERSION.tar.gz" -C "$FLINK_HOME.tmp" --strip-components=2 \
            "apache-flink-libraries-$FLINK_VERSION/deps/lib" "apache-flink-libraries-$FLINK_VERSION/deps/opt" \
            "apache-flink-libraries-$FLINK_VERSION/deps/plugins" "apache-flink-libraries-$FLINK_VERSION/deps/bin"
        chmod +x "$FLINK_HOME.tmp"/bin/*.sh "$FLINK_HOME.tmp/bin/flink"
        mkdir -p "$FLINK_HOME.tmp/log"
        touch "$FLINK_HOME.tmp/.complete"
        rm -rf "$FLINK_HOME" && mv "$FLINK_HOME.tmp" "$FLINK_HOME"
    fi
    if [ ! -f "$FLINK_JOBSERVER/.complete" ]; then
        say "fetching Beam $BEAM_VERSION's Flink $FLINK_MINOR job server from Maven Central into $FLINK_JOBSERVER"
        mvn_classpath "$REPO/deploy/local/jobserver/flink.xml" "$FLINK_JOBSERVER" -Dflink.minor="$FLINK_MINOR"
        touch "$FLINK_JOBSERVER/.complete"
    fi
}

fetch_spark() {
    if [ ! -f "$SPARK_HOME/.complete" ]; then
        say "fetching Spark $SPARK_VERSION (the pyspark sdist from PyPI) into $SPARK_HOME"
        local dl=$CACHE/downloads
        pip_download "$dl" --no-binary=:all: "pyspark==$SPARK_VERSION"
        rm -rf "$SPARK_HOME.tmp" && mkdir -p "$SPARK_HOME.tmp"
        tar -xzf "$dl/pyspark-$SPARK_VERSION.tar.gz" -C "$SPARK_HOME.tmp" --strip-components=2 \
            "pyspark-$SPARK_VERSION/deps/bin" "pyspark-$SPARK_VERSION/deps/sbin" "pyspark-$SPARK_VERSION/deps/jars"
        chmod +x "$SPARK_HOME.tmp"/bin/* "$SPARK_HOME.tmp"/sbin/*
        echo "Spark $SPARK_VERSION (from the pyspark sdist)" > "$SPARK_HOME.tmp/RELEASE"
        touch "$SPARK_HOME.tmp/.complete"
        rm -rf "$SPARK_HOME" && mv "$SPARK_HOME.tmp" "$SPARK_HOME"
    fi
    if [ ! -f "$SPARK_JOBSERVER/.complete" ]; then
        say "fetching Beam $BEAM_VERSION's Spark 3 job server from Maven Central into $SPARK_JOBSERVER"
        mvn_classpath "$REPO/deploy/local/jobserver/spark.xml" "$SPARK_JOBSERVER"
        touch "$SPARK_JOBSERVER/.complete"
    fi
}

# -- processes ----------------------------------------------------------------------------------------------------

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

start() {  # start CLUSTER ROLE LOGFILE CMD...: run CMD in the background, record its pid as ROLE
    local cluster=$1 role=$2 logfile=$3; shift 3
    mkdir -p "$STATE/$cluster/pids"
    nohup "$@" >"$logfile" 2>&1 </dev/null &
    echo $! >"$STATE/$cluster/pids/$role.pid"
}

start_supervised() {  # start_supervised CLUSTER ROLE LOGFILE CMD...: like start, and restarted when it dies
    # As Kubernetes restarts a TaskManager container that died (the Flink operator's layout): the supervisor
    # (this script, `_supervise`) records the current process as ROLE and itself as ROLE-supervisor.
    local cluster=$1 role=$2 logfile=$3; shift 3
    mkdir -p "$STATE/$cluster/pids"
    nohup bash "$0" _supervise "$STATE/$cluster/pids/$role.pid" "$logfile" "$@" >/dev/null 2>&1 </dev/null &
    echo $! >"$STATE/$cluster/pids/$role-supervisor.pid"
    local deadline=$((SECONDS + 10))
    until [ -s "$STATE/$cluster/pids/$role.pid" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
}

supervise() {  # supervise PIDFILE LOGFILE CMD...: run CMD, run it again 3 s after it dies, until SIGTERM
    local pidfile=$1 logfile=$2; shift 2
    local stop=0 child=""
    trap 'stop=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
    while [ $stop = 0 ]; do
        "$@" >>"$logfile" 2>&1 </dev/null &
        child=$!
        echo "$child" >"$pidfile"
        wait "$child" || true
        [ $stop = 0 ] || break
        echo "cluster.sh: $(date '+%F %T') process $child exited; starting it again in 3 s" >>"$logfile"
        sleep 3
    done
    wait "$child" 2>/dev/null || true
}

wait_for() {  # wait_for SECONDS WHAT CMD...: until CMD succeeds
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "timed out after ${seconds}s waiting for $what (logs: $STATE/*/log/)"
        sleep 0.5
    done
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

hosts_file() {  # hosts_file PATH POOL_ADDRESS: the private hosts file of one worker JVM
    mkdir -p "$(dirname "$1")"
    {
        echo "127.0.0.1 localhost $(hostname)"
        echo "::1 localhost"
        echo "$2 $POOL_HOST"
    } >"$1"
}

PIN=0
pin_prefix() {  # pin_prefix INDEX: the command prefix that keeps worker INDEX on its own CPU (with --pin)
    PIN_PREFIX=()
    if [ "$PIN" = 1 ]; then PIN_PREFIX=(taskset -c $(( ($1 - 1) % $(nproc) ))); fi
}

start_pool() {  # start_pool CLUSTER INDEX ADDRESS
    local cluster=$1 i=$2 addr=$3
    pin_prefix "$i"
    # The pool starts SDK harnesses as a plain `python`: the project's venv must come first on PATH.
    start "$cluster" "pool-$i" "$STATE/$cluster/log/pool-$i.log" ${PIN_PREFIX[@]+"${PIN_PREFIX[@]}"} \
        env PATH="$VENV/bin:$PATH" PYTHONUNBUFFERED=1 "$PY" "$REPO/deploy/local/worker_pool.py" \
        --host "$addr" --port "$POOL_PORT"
    wait_for 60 "the worker pool at $addr:$POOL_PORT" port_open "$addr" "$POOL_PORT"
}

running() {  # running CLUSTER: any process of it alive
    local f
    for f in "$STATE/$1"/pids/*.pid; do
        [ -e "$f" ] || continue
        alive "$(cat "$f")" && return 0
    done
    return 1
}

start_jobserver() {  # start_jobserver CLUSTER PORT JAVA_ARGS...: Beam's job server (job port PORT, artifacts
    # PORT-1, expansion service PORT-2), on loopback
    local cluster=$1 port=$2; shift 2
    say "starting Beam $BEAM_VERSION's $cluster job server (127.0.0.1:$port)"
    start "$cluster" jobserver "$STATE/$cluster/log/jobserver.out" java -Xmx1g "$@" --job-host=127.0.0.1 \
        --job-port="$port" --artifact-port=$((port - 1)) --expansion-port=$((port - 2))
    wait_for 120 "the $cluster job server" port_open 127.0.0.1 "$port"
}

count_workers() { ls "$STATE/$1"/pids/pool-[0-9].pid 2>/dev/null | wc -l; }

# -- Flink --------------------------------------------------------------------------------------------------------

flink_conf() {  # flink_conf DIR
    mkdir -p "$1"
    cp "$FLINK_HOME"/conf/log4j*.properties "$1/"
    cat >"$1/config.yaml" <<EOF
# Written by deploy/local/cluster.sh: a standalone cluster on loopback.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: 1
taskmanager.memory.process.size: 1728m
taskmanager.memory.managed.fraction: 0.2
parallelism.default: 1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_REST_PORT
io.tmp.dirs: $STATE/flink/tmp
web.tmpdir: $STATE/flink/tmp
# A lost TaskManager is noticed in 10 s (default 50 s); the job then restarts up to 10 times, 5 s apart.
heartbeat.interval: 2000
heartbeat.timeout: 10000
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 10
restart-strategy.fixed-delay.delay: 5 s
jobmanager.execution.failover-strategy: region
# Beam's runner and its dependencies are on the TaskManagers' classpath (flink_tm_lib): load every class from
# there first, not from the job's jars (the same classes), so both never meet in one job.
classloader.resolve-order: parent-first
# Beam's Python workers do the work; the JVMs only move small records.
taskmanager.memory.network.fraction: 0.1
EOF
}

flink_tm_lib() {  # flink_tm_lib DIR: the TaskManagers' lib/: Flink's jars and Beam's Flink runner with its deps
    # Beam's classes on the TaskManagers' own classpath (loaded parent-first, see flink_conf) let a TaskManager keep its
    # SDK harnesses from one stage of the job to the next (--environment_cache_millis): Beam releases them at
    # once when its runner classes come from the job's user-code class loader. Flink's distribution already holds
    # Flink itself and the libraries it bundles (Kryo, Chill, commons-*, compression, logging): those stay Flink's.
    mkdir -p "$1"
    ln -sf "$FLINK_HOME"/lib/*.jar "$1/"
    local jar
    for jar in "$FLINK_JOBSERVER"/*.jar; do
        case "$(basename "$jar")" in
            flink-*|kryo-*|chill-*|minlog-*|objenesis-*|scala-*|slf4j-*|log4j-*|commons-*|lz4-*|snappy-*) ;;
            *) ln -sf "$jar" "$1/" ;;
        esac
    done
}

up_flink() {
    local n=$1
    running flink && die "a Flink cluster is already up ($0 status); stop it with $0 down flink"
    rm -rf "$STATE/flink" && mkdir -p "$STATE/flink/log" "$STATE/flink/tmp"
    local conf=$STATE/flink/conf
    flink_conf "$conf"
    flink_tm_lib "$STATE/flink/lib"
    local env=(env FLINK_CONF_DIR="$conf" FLINK_LOG_DIR="$STATE/flink/log" FLINK_HOME="$FLINK_HOME")
    say "starting the Flink $FLINK_VERSION JobManager (REST 127.0.0.1:$FLINK_REST_PORT)"
    start flink jobmanager "$STATE/flink/log/jobmanager.out" "${env[@]}" "$FLINK_HOME/bin/jobmanager.sh" start-foreground
    wait_for 120 "the Flink REST API" curl -sf "http://127.0.0.1:$FLINK_REST_PORT/overview"
    local i
    for i in $(seq 1 "$n"); do
        local addr="127.0.1.$i"
        hosts_file "$STATE/flink/hosts/taskmanager-$i" "$addr"
        start_pool flink "$i" "$addr"
        say "starting TaskManager $i (its worker pool: $addr:$POOL_PORT)${PIN_PREFIX[2]:+, both on CPU ${PIN_PREFIX[2]}}"
        start_supervised flink "taskmanager-$i" "$STATE/flink/log/taskmanager-$i.out" \
            ${PIN_PREFIX[@]+"${PIN_PREFIX[@]}"} "${env[@]}" \
            JAVA_TOOL_OPTIONS="-Djdk.net.hosts.file=$STATE/flink/hosts/taskmanager-$i" FLINK_LIB_DIR="$STATE/flink/lib" \
            "$FLINK_HOME/bin/taskmanager.sh" start-foreground -Dtaskmanager.resource-id="taskmanager-$i"
    done
    wait_for 120 "$n TaskManagers to register" flink_has_taskmanagers "$n"
    start_jobserver flink "$FLINK_JOB_PORT" -cp "$FLINK_JOBSERVER/*" org.apache.beam.runners.flink.FlinkJobServerDriver \
        --flink-master="127.0.0.1:$FLINK_REST_PORT" --flink-conf-dir="$conf"
    say "Flink is up: web UI http://127.0.0.1:$FLINK_REST_PORT, $n TaskManager(s); run with: crawlwash run ... \$($0 args flink)"
}

flink_has_taskmanagers() {
    local got
    got=$(curl -sf "http://127.0.0.1:$FLINK_REST_PORT/overview" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["taskmanagers"])')
    [ "$got" = "$1" ]
}

# -- Spark --------------------------------------------------------------------------------------------------------

# What Spark's own launcher adds on Java 17 (org.apache.spark.launcher.JavaModuleOptions): the job server is the
# Spark driver and is started with plain `java`.
SPARK_JAVA17_OPTS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    -Djdk.reflect.useDirectMethodHandle=false)

beam_guava() {  # Beam's Guava (33): Beam's Google Cloud Storage options need it at start, on the driver and on
    # the executors, ahead of Spark's own Guava 14 (Spark calls nothing in it that Guava 33 lacks)
    ls "$SPARK_JOBSERVER"/guava-*.jar "$SPARK_JOBSERVER"/failureaccess-*.jar | paste -sd: -
}

spark_jobserver_classpath() {  # Beam's Guava, Spark's jars, then Beam's
    echo "$(beam_guava):$SPARK_HOME/jars/*:$SPARK_JOBSERVER/*"
}

up_spark() {
    local n=$1
    running spark && die "a Spark cluster is already up ($0 status); stop it with $0 down spark"
    rm -rf "$STATE/spark" && mkdir -p "$STATE/spark/log" "$STATE/spark/conf"
    local env=(env SPARK_HOME="$SPARK_HOME" SPARK_CONF_DIR="$STATE/spark/conf" SPARK_LOG_DIR="$STATE/spark/log"
        SPARK_LOCAL_IP=127.0.0.1 SPARK_NO_DAEMONIZE=1)
    say "starting the Spark $SPARK_VERSION master (spark://127.0.0.1:$SPARK_MASTER_PORT, UI :$SPARK_UI_PORT)"
    start spark master "$STATE/spark/log/master.out" "${env[@]}" "$SPARK_HOME/bin/spark-class" \
        org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$SPARK_MASTER_PORT" --webui-port "$SPARK_UI_PORT"
    wait_for 120 "the Spark master" port_open 127.0.0.1 "$SPARK_MASTER_PORT"
    local i
    for i in $(seq 1 "$n"); do
        local addr="127.0.2.$i"
        hosts_file "$STATE/spark/hosts/worker-$i" "$addr"
        start_pool spark "$i" "$addr"
        say "starting Spark worker $i (1 core; its worker pool: $addr:$POOL_PORT)"
        # Executors inherit the worker's environment, so they resolve the pool through its hosts file too.
        start spark "worker-$i" "$STATE/spark/log/worker-$i.out" "${env[@]}" \
            JAVA_TOOL_OPTIONS="-Djdk.net.hosts.file=$STATE/spark/hosts/worker-$i" \
            "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 \
            --memory 2g --webui-port $((SPARK_UI_PORT + 10 + i)) --work-dir "$STATE/spark/work-$i" \
            "spark://127.0.0.1:$SPARK_MASTER_PORT"
    done
    wait_for 120 "$n Spark workers to register" spark_has_workers "$n"
    start_jobserver spark "$SPARK_JOB_PORT" "${SPARK_JAVA17_OPTS[@]}" -Dspark.driver.host=127.0.0.1 \
        -Dspark.driver.bindAddress=127.0.0.1 -Dspark.executor.memory=1g -Dspark.cores.max="$n" \
        -Dspark.local.dir="$STATE/spark/tmp" -Dspark.executor.extraClassPath="$(beam_guava)" \
        -cp "$(spark_jobserver_classpath)" \
        org.apache.beam.runners.spark.SparkJobServerDriver --spark-master-url="spark://127.0.0.1:$SPARK_MASTER_PORT"
    say "Spark is up: UI http://127.0.0.1:$SPARK_UI_PORT, $n worker(s); run with: crawlwash run ... \$($0 args spark)"
}

spark_has_workers() {
    local got
    got=$(curl -sf "http://127.0.0.1:$SPARK_UI_PORT/json/" | "$PY" -c 'import json,sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))')
    [ "$got" = "$1" ]
}

# -- commands -----------------------------------------------------------------------------------------------------

cmd_args() {
    local cluster=${1:-}
    case "$cluster" in
        flink)
            local n
            n=$(count_workers flink)
            [ "$n" -gt 0 ] || die "no Flink cluster was started ($0 up flink)"
            echo "--runner=FlinkRunner --job_endpoint=localhost:$FLINK_JOB_PORT --environment_type=EXTERNAL" \
                "--environment_config=$POOL_HOST:$POOL_PORT --environment_cache_millis=$ENV_CACHE_MS --parallelism=$n"
            ;;
        spark)
            [ "$(count_workers spark)" -gt 0 ] || die "no Spark cluster was started ($0 up spark)"
            echo "--runner=SparkRunner --job_endpoint=localhost:$SPARK_JOB_PORT --environment_type=EXTERNAL" \
                "--environment_config=$POOL_HOST:$POOL_PORT --environment_cache_millis=$ENV_CACHE_MS"
            ;;
        *) die "usage: $0 args flink|spark" ;;
    esac
}

cmd_spark_submit() {  # a job jar written with --output_executable_path, run by Spark's own submit (as Dataproc does)
    local jar=${1:-}
    [ -f "$jar" ] || die "usage: $0 spark-submit JAR (a job written by crawlwash run ... --output_executable_path=JAR)"
    [ "$(count_workers spark)" -gt 0 ] || die "no Spark cluster was started ($0 up spark)"
    # Beam's published job server is one shaded jar, and so is the job jar built from it; this machine's job server
    # is unshaded, so the job jar holds Beam's Spark runner only and its dependencies go with --jars.
    local deps
    deps=$(ls "$SPARK_JOBSERVER"/*.jar | grep -v -e '/guava-' -e '/failureaccess-' | paste -sd, -)
    env SPARK_LOCAL_IP=127.0.0.1 "$SPARK_HOME/bin/spark-submit" --master "spark://127.0.0.1:$SPARK_MASTER_PORT" \
        --conf spark.driver.extraClassPath="$(beam_guava)" --conf spark.executor.extraClassPath="$(beam_guava)" \
        --conf spark.cores.max="$(count_workers spark)" --jars "$deps" \
        --class org.apache.beam.runners.spark.SparkPipelineRunner "$jar"
}

cmd_status() {
    local f cluster role pid
    for f in "$STATE"/flink/pids/*.pid "$STATE"/spark/pids/*.pid; do
        [ -e "$f" ] || continue
        cluster=$(basename "$(dirname "$(dirname "$f")")")
        role=$(basename "$f" .pid)
        pid=$(cat "$f")
        if alive "$pid"; then
            echo "$cluster-$role $pid"
        else
            echo "cluster.sh: $cluster-$role $pid is not running" >&2
        fi
    done
}

stop_cluster() {
    local cluster=$1 f pid
    local pids=()
    # Supervisors first (they stop their process), the job server, the workers and their pools, the master last.
    for f in "$STATE/$cluster"/pids/*-supervisor.pid "$STATE/$cluster"/pids/jobserver.pid \
        "$STATE/$cluster"/pids/taskmanager-*.pid \
        "$STATE/$cluster"/pids/worker-*.pid "$STATE/$cluster"/pids/pool-*.pid \
        "$STATE/$cluster"/pids/jobmanager.pid "$STATE/$cluster"/pids/master.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if alive "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
        rm -f "$f"
    done
    local deadline=$((SECONDS + 20))
    for pid in "${pids[@]}"; do
        while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    done
    [ ${#pids[@]} -eq 0 ] || say "stopped $cluster (${#pids[@]} processes)"
}

main() {
    local cmd=${1:-}
    shift || true
    case "$cmd" in
        fetch)
            case "${1:-all}" in
                flink) fetch_flink ;;
                spark) fetch_spark ;;
                all) fetch_flink; fetch_spark ;;
                *) die "usage: $0 fetch [flink|spark|all]" ;;
            esac
            ;;
        up)
            local cluster=${1:-} n=2
            shift || true
            while [ $# -gt 0 ]; do
                case "$1" in
                    --taskmanagers|--workers) n=$2; shift 2 ;;
                    --taskmanagers=*|--workers=*) n=${1#*=}; shift ;;
                    --pin) PIN=1; shift ;;
                    *) die "unknown option $1" ;;
                esac
            done
            [[ "$n" =~ ^[1-9]$ ]] || die "the number of workers must be 1 to 9"
            [ -x "$PY" ] || die "no $PY: run make run (or make install) first"
            command -v java >/dev/null || die "java is not on PATH (Java 17 is needed)"
            case "$cluster" in
                flink) make -s -C "$REPO" cluster-deps-flink; up_flink "$n" ;;
                spark) make -s -C "$REPO" cluster-deps-spark; up_spark "$n" ;;
                *) die "usage: $0 up flink|spark [--taskmanagers N]" ;;
            esac
            ;;
        args) cmd_args "${1:-}" ;;
        spark-submit) cmd_spark_submit "${1:-}" ;;
        _supervise) supervise "$@" ;;
        status) cmd_status ;;
        down)
            case "${1:-all}" in
                flink|spark) stop_cluster "$1" ;;
                all) stop_cluster flink; stop_cluster spark ;;
                *) die "usage: $0 down [flink|spark]" ;;
            esac
            ;;
        *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
}

main "$@"
