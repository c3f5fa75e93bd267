package io.guestnode.agents.remote.message;

/** A message from pacemaker-remoted: a reply to one of our requests, or a notification. */
public sealed interface Inbound permits Reply, Notification {
    XmlElement xml();
}
