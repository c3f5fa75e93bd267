#!/bin/sh
# guestnode, as installed: its own Java runtime and jars under /usr/lib/guestnode.
set -e
LIB=/usr/lib/guestnode
# The daemon is small and long-lived: the serial collector, a bounded heap and the C1 compiler keep its idle CPU and
# memory low; it exits on OutOfMemoryError and systemd restarts it.
JVM="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
if [ "${1:-}" = run ]; then
  JVM="$JVM -Xms16m -Xmx512m -XX:MaxMetaspaceSize=128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError"
fi
if [ -z "${GUESTNODE_JAVA_OPTS+set}" ] && [ -r /etc/default/guestnode ]; then
  GUESTNODE_JAVA_OPTS=$(sed -n 's/^\(export[[:space:]]\{1,\}\)\{0,1\}GUESTNODE_JAVA_OPTS=["'"'"']\{0,1\}\([^"'"'"']*\).*/\2/p' /etc/default/guestnode | tail -1)
fi
# shellcheck disable=SC2086
exec "$LIB/runtime/bin/java" $JVM ${GUESTNODE_JAVA_OPTS:-} -jar "$LIB/guestnode-operator.jar" "$@"
