#!/usr/bin/env bash
# Builds a CIB with Pacemaker's own command-line tools (cibadmin, crm_resource; package
# pacemaker-cli-utils), offline through CIB_file, and prints it. Used to produce the test fixture
# operator/src/test/resources/cib/pacemaker-tools.xml: two guest nodes, a Dummy service on each,
# an order constraint, defaults, and a fence device (which guestnode reports and skips).
#   xml-templates/examples/cib-from-pacemaker-tools.sh [DOMAIN_XML_DIR] > cib.xml
set -euo pipefail
dir="${1:-/etc/guestnode/domains}"
command -v cibadmin >/dev/null || { echo "needs cibadmin (apt-get install pacemaker-cli-utils)" >&2; exit 1; }
export CIB_file; CIB_file=$(mktemp --suffix=.xml)
trap 'rm -f "$CIB_file"' EXIT
cibadmin --empty > "$CIB_file"
for n in 1 2; do
  cibadmin --create -o resources -X "<primitive id=\"vm-guest$n\" class=\"ocf\" provider=\"heartbeat\" type=\"VirtualDomain\">
    <instance_attributes id=\"vm-guest$n-instance_attributes\">
      <nvpair id=\"vm-guest$n-instance_attributes-config\" name=\"config\" value=\"$dir/guest$n.xml\"/>
      <nvpair id=\"vm-guest$n-instance_attributes-hypervisor\" name=\"hypervisor\" value=\"lxc:///\"/>
      <nvpair id=\"vm-guest$n-instance_attributes-force_stop\" name=\"force_stop\" value=\"true\"/>
    </instance_attributes>
    <operations>
      <op id=\"vm-guest$n-monitor-interval-10s\" name=\"monitor\" interval=\"10s\" timeout=\"30s\"/>
    </operations>
  </primitive>"
  crm_resource --resource "vm-guest$n" --meta --set-parameter remote-node --parameter-value "guest$n" >/dev/null
  crm_resource --resource "vm-guest$n" --meta --set-parameter remote-addr --parameter-value "10.250.0.1$n" >/dev/null
  crm_resource --resource "vm-guest$n" --meta --set-parameter remote-connect-timeout --parameter-value 30s >/dev/null
  cibadmin --create -o resources -X "<primitive id=\"dummy$n\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">
    <operations>
      <op id=\"dummy$n-monitor-interval-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>
    </operations>
  </primitive>"
  cibadmin --create -o constraints -X "<rsc_location id=\"location-dummy$n-guest$n\" rsc=\"dummy$n\" node=\"guest$n\" score=\"INFINITY\"/>"
done
cibadmin --create -o constraints -X '<rsc_order id="order-dummy1-dummy2" first="dummy1" then="dummy2" kind="Optional"/>'
cibadmin --create -o resources -X '<primitive id="fence-host" class="stonith" type="fence_dummy"/>'
cibadmin --modify -o rsc_defaults -X '<rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-resource-stickiness" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>' 2>/dev/null \
  || cibadmin --create -o configuration -X '<rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-resource-stickiness" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>'
crm_verify --xml-file "$CIB_file" >/dev/null 2>&1 || true
cat "$CIB_file"
