package io.guestnode.agents.remote;

/**
 * What a session holds of the peer's unsolicited traffic, and what it threw away. A session keeps a result or a
 * poke notification it cannot match yet only while a request of its own may still claim it, and only within its
 * byte budget ({@link ConnectOptions#bufferBudgetBytes()}).
 *
 * @param bufferedBytes     estimated bytes held now
 * @param bufferedItems     results and poke notifications held now
 * @param peakBytes         the most bytes ever held at once; never above the budget
 * @param droppedNotOurs    results and poke notifications dropped because their call id is not one this session
 *                          was given or can still be given (another client's, or invented)
 * @param droppedOverBudget held items dropped, oldest first, to stay within the budget
 */
public record BufferStats(long bufferedBytes, int bufferedItems, long peakBytes, long droppedNotOurs,
                          long droppedOverBudget) {

    /** Everything dropped, for any reason. */
    public long dropped() {
        return droppedNotOurs + droppedOverBudget;
    }
}
