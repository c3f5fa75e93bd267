package io.guestnode.operator.planner;

import java.util.Map;
import java.util.function.BiPredicate;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;

/**
 * One map of {@link ObservedState} while a reduction step edits it: every change makes a new version that shares
 * what did not change with the old one, so an event costs what it touches, not the size of the state. The state it
 * came from stays as it was.
 */
public final class MapEdit<K, V> {
    private PSortedMap<K, V> map;
    /** The keys in another order (services by guest node), kept with the map; null when there is none. */
    private PSortedSet<K> index;
    private boolean changed;

    MapEdit(PSortedMap<K, V> map) {
        this(map, null);
    }

    MapEdit(PSortedMap<K, V> map, PSortedSet<K> index) {
        this.map = map;
        this.index = index;
    }

    public V get(K key) {
        return map.get(key);
    }

    public V getOrDefault(K key, V otherwise) {
        V v = map.get(key);
        return v == null ? otherwise : v;
    }

    public void put(K key, V value) {
        V old = map.get(key);
        if (!value.equals(old)) {
            map = map.plus(key, value);
            if (old == null && index != null) {
                index = index.plus(key);
            }
            changed = true;
        }
    }

    public void remove(K key) {
        if (map.containsKey(key)) {
            map = map.minus(key);
            if (index != null) {
                index = index.minus(key);
            }
            changed = true;
        }
    }

    /** Removes the entries from {@code from} (inclusive) to {@code to} (exclusive) that match. */
    public void removeIf(K from, K to, BiPredicate<K, V> which) {
        for (Map.Entry<K, V> e : map.subMap(from, true, to, false).entrySet()) {
            if (which.test(e.getKey(), e.getValue())) {
                remove(e.getKey());
            }
        }
    }

    /** The entries from {@code from} (inclusive) to {@code to} (exclusive), as they are now in this edit. */
    public java.util.List<Map.Entry<K, V>> entries(K from, K to) {
        return java.util.List.copyOf(map.subMap(from, true, to, false).entrySet());
    }

    /** The keys from {@code from} (inclusive) to {@code to} (exclusive) in the index's order. */
    public java.util.SortedSet<K> indexRange(K from, K to) {
        return index.subSet(from, true, to, false);
    }

    PSortedMap<K, V> done() {
        return map;
    }

    PSortedSet<K> doneIndex() {
        return index;
    }

    boolean changed() {
        return changed;
    }
}
