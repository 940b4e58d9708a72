package dev.agentjobs.gateway;

/**
 * A parsed {@code Last-Event-ID}: {@code <epoch>-<seq>}. The epoch names the gateway process that issued the
 * id, so an id from before a restart is never mistaken for a position in the new process's history.
 *
 * @param epoch the issuing process's epoch
 * @param seq   the sequence number in its feed
 */
record EventId(String epoch, long seq) {

    /** The id, or {@code null} when the header is absent or not one of ours (then the client starts afresh). */
    static EventId parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        int dash = h.lastIndexOf('-');
        if (dash <= 0 || dash == h.length() - 1 || h.length() > 64) {
            return null;
        }
        String epoch = h.substring(0, dash);
        if (!epoch.chars().allMatch(ch -> (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
            return null;
        }
        try {
            long seq = Long.parseLong(h.substring(dash + 1));
            return seq < 0 ? null : new EventId(epoch, seq);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
