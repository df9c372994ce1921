package org.murder.protocol.imap.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.murder.protocol.imap.sort.ThreadTree.Node;

/**
 * THREAD's two algorithms (RFC 5256 §3). Siblings and threads are ordered by sent date, equal dates in mailbox order;
 * a dummy by its first child. Loops in hostile References are refused link by link, as the RFC says, and every
 * walk is iterative.
 */
public final class Threader {

    private static final Comparator<SortMessage> BY_DATE =
            Comparator.comparingLong(SortMessage::sentDate).thenComparingInt(SortMessage::position);
    private static final Comparator<Node> NODE_BY_DATE = (a, b) -> BY_DATE.compare(a.representative(), b.representative());
    private static final Comparator<SortMessage> BY_SUBJECT =
            (a, b) -> MessageSorter.compare(a.fields().subject().base(), b.fields().subject().base());

    private Threader() {
    }

    /**
     * ORDEREDSUBJECT: messages with the same base subject form a thread, the earliest its top and every other one
     * its child; threads in the order of their tops' sent dates.
     */
    public static ThreadTree orderedSubject(List<SortMessage> messages) {
        List<SortMessage> sorted = new ArrayList<>(messages);
        sorted.sort(BY_SUBJECT.thenComparing(BY_DATE));
        List<Node> roots = new ArrayList<>();
        Node top = null;
        for (SortMessage m : sorted) {
            Node n = new Node(m);
            if (top != null && top.message.fields().subject().base().equals(m.fields().subject().base())) {
                top.adopt(n);
            } else {
                top = n;
                roots.add(n);
            }
        }
        roots.sort(NODE_BY_DATE);
        return new ThreadTree(roots);
    }

    /** REFERENCES: the algorithm of RFC 5256 §3, steps 1 to 6. */
    public static ThreadTree references(List<SortMessage> messages) {
        Map<String, Node> byId = new HashMap<>(messages.size() * 2);
        link(messages, byId);
        List<Node> roots = new ArrayList<>();
        for (Node n : byId.values()) {
            if (n.parent == null) {
                roots.add(n); // step 2
            }
        }
        roots = prune(roots); // step 3
        for (Node r : roots) { // step 4
            if (r.dummy()) {
                r.children.sort(NODE_BY_DATE);
            }
        }
        roots.sort(NODE_BY_DATE);
        roots = groupBySubject(roots); // step 5
        sortAll(roots); // step 6
        return new ThreadTree(roots);
    }

    /** Step 1: containers by Message-ID, linked along each message's references. */
    private static void link(List<SortMessage> messages, Map<String, Node> byId) {
        int duplicates = 0;
        for (SortMessage m : messages) {
            String id = m.fields().messageId();
            if (id.isEmpty()) {
                id = "\0no-id " + m.position(); // step 1.A: a unique ID of our own, never a real "<...>"
            }
            Node node = byId.get(id);
            if (node != null && !node.dummy()) {
                node = null; // a repeated Message-ID: this message gets a container of its own
                id = id + "\0duplicate " + duplicates++;
            }
            if (node == null) {
                node = new Node(m);
                byId.put(id, node);
            } else {
                node.message = m;
            }
            Node parent = null;
            for (String ref : m.fields().references()) {
                Node r = byId.computeIfAbsent(ref, k -> new Node(null));
                // 1.A: link the references in order, never changing a link made before nor making a loop
                if (r.parent == null && parent != null && !descends(parent, r)) {
                    parent.adopt(r);
                }
                parent = r;
            }
            // 1.B: the last reference is the parent, whatever an earlier (maybe truncated) References said
            node.orphan();
            if (parent != null && !descends(parent, node)) {
                parent.adopt(node);
            }
        }
    }

    /**
     * Whether {@code node} is {@code ancestor} or below it: linking {@code ancestor} under {@code node} makes a loop.
     * The usual {@code ancestor} is a new message without replies, answered at once; otherwise the walk goes up from
     * {@code node}, as deep as it lies.
     */
    private static boolean descends(Node node, Node ancestor) {
        if (ancestor.children.isEmpty()) {
            return node == ancestor;
        }
        for (Node n = node; n != null; n = n.parent) {
            if (n == ancestor) {
                return true;
            }
        }
        return false;
    }

    /**
     * Step 3: dummies without children go; a dummy's children take its place, except that at the top a dummy with
     * several children stays. Done bottom-up (every node's children before the node).
     */
    private static List<Node> prune(List<Node> roots) {
        Deque<Node> order = postOrder(roots);
        while (!order.isEmpty()) {
            Node n = order.pop();
            if (n.children.isEmpty()) {
                continue;
            }
            List<Node> kept = new ArrayList<>(n.children.size());
            for (Node c : n.children) {
                if (c.dummy()) {
                    for (Node grandchild : c.children) {
                        grandchild.parent = n;
                        kept.add(grandchild);
                    }
                } else {
                    kept.add(c);
                }
            }
            n.children = kept;
        }
        List<Node> out = new ArrayList<>(roots.size());
        for (Node r : roots) {
            if (!r.dummy() || r.children.size() > 1) {
                out.add(r);
            } else if (r.children.size() == 1) {
                Node only = r.children.get(0);
                only.parent = null;
                out.add(only);
            }
        }
        return out;
    }

    /** Step 5: threads whose tops have the same base subject are gathered. */
    private static List<Node> groupBySubject(List<Node> roots) {
        Map<String, Node> bySubject = new HashMap<>();
        for (Node r : roots) { // 5.B
            String subject = subject(r);
            if (subject.isEmpty()) {
                continue;
            }
            Node old = bySubject.get(subject);
            if (old == null || r.dummy() && !old.dummy()
                    || !old.dummy() && old.message.fields().subject().replyOrForward()
                    && !r.dummy() && !r.message.fields().subject().replyOrForward()) {
                bySubject.put(subject, r);
            }
        }
        List<Node> out = new ArrayList<>(roots.size());
        for (Node r : roots) { // 5.C
            String subject = subject(r);
            Node old = subject.isEmpty() ? null : bySubject.get(subject);
            if (old == null || old == r) {
                out.add(r);
                continue;
            }
            if (old.dummy() && r.dummy()) {
                for (Node c : r.children) {
                    c.parent = old;
                    old.children.add(c);
                }
                r.children = List.of();
            } else if (old.dummy() || !r.dummy() && r.message.fields().subject().replyOrForward()
                    && !old.message.fields().subject().replyOrForward()) {
                old.adopt(r);
            } else {
                // neither is the other's reply: both become children of a dummy, which takes old's place
                Node copy = new Node(old.message);
                for (Node c : old.children) {
                    copy.adopt(c);
                }
                old.message = null;
                old.children = new ArrayList<>(2);
                old.adopt(r);
                old.adopt(copy);
            }
        }
        return out;
    }

    private static String subject(Node n) {
        SortMessage m = n.representative();
        return m == null ? "" : m.fields().subject().base();
    }

    /** Step 6: every set of siblings by sent date, children before their parents so a dummy sorts by its first. */
    private static void sortAll(List<Node> roots) {
        Deque<Node> order = postOrder(roots);
        while (!order.isEmpty()) {
            Node n = order.pop();
            if (n.children.size() > 1) {
                n.children.sort(NODE_BY_DATE);
            }
        }
        roots.sort(NODE_BY_DATE);
    }

    /** Every node under the roots, each after all of its descendants when popped. */
    private static Deque<Node> postOrder(List<Node> roots) {
        Deque<Node> out = new ArrayDeque<>();
        Deque<Node> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            out.push(n);
            for (Node c : n.children) {
                todo.push(c);
            }
        }
        return out;
    }
}
