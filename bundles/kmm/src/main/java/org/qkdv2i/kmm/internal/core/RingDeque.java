package org.qkdv2i.kmm.internal.core;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A double-ended queue with random access ({@link #get(int)}), so that the core can count
 * the offerable prefix of a pool by binary search instead of walking it. Not thread safe.
 */
final class RingDeque<E> implements Iterable<E> {

    private Object[] items = new Object[16]; // length is a power of two
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    E get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return (E) items[(head + i) & (items.length - 1)];
    }

    E peekFirst() {
        return size == 0 ? null : get(0);
    }

    E pollFirst() {
        if (size == 0) {
            return null;
        }
        E e = get(0);
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return e;
    }

    void addFirst(E e) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = e;
        size++;
    }

    void addLast(E e) {
        grow();
        items[(head + size) & (items.length - 1)] = e;
        size++;
    }

    /** Removes every element matching {@code filter}, keeping the order of the others. */
    boolean removeIf(Predicate<? super E> filter) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            E e = get(i);
            if (!filter.test(e)) {
                items[(head + kept) & (items.length - 1)] = e;
                kept++;
            }
        }
        for (int i = kept; i < size; i++) {
            items[(head + i) & (items.length - 1)] = null;
        }
        boolean changed = kept != size;
        size = kept;
        return changed;
    }

    /**
     * Removes the elements matching {@code filter} among the first {@code prefix} ones, keeping
     * the order of the others; O(prefix), not O(size): what a caller that took elements from the
     * front needs on a deque of many thousands.
     */
    boolean removeIfInPrefix(int prefix, Predicate<? super E> filter) {
        int n = Math.min(prefix, size);
        int write = n - 1;
        for (int i = n - 1; i >= 0; i--) {
            E e = get(i);
            if (!filter.test(e)) {
                items[(head + write) & (items.length - 1)] = e;
                write--;
            }
        }
        int removed = write + 1;
        for (int i = 0; i < removed; i++) {
            items[(head + i) & (items.length - 1)] = null;
        }
        head = (head + removed) & (items.length - 1);
        size -= removed;
        return removed > 0;
    }

    /**
     * Length of the longest prefix whose elements all match {@code ok}, assuming that once an
     * element fails, all after it fail too (binary search; O(log n)).
     */
    int prefixLength(Predicate<? super E> ok) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ok.test(get(mid))) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void grow() {
        if (size < items.length) {
            return;
        }
        Object[] bigger = new Object[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = items[(head + i) & (items.length - 1)];
        }
        items = bigger;
        head = 0;
    }

    @Override
    public Iterator<E> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < size;
            }

            @Override
            public E next() {
                if (i >= size) {
                    throw new NoSuchElementException();
                }
                return get(i++);
            }
        };
    }
}
