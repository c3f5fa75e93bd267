package io.guestnode.operator.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = GuestnodeCli.class.getPackage().getImplementationVersion();
        return new String[] {"guestnode " + (v == null ? "development build" : v)};
    }
}
