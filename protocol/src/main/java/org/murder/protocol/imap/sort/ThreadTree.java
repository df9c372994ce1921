package org.murder.protocol.imap.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * The threads THREAD answers with: a list of trees whose nodes are messages, or (REFERENCES) dummies standing for a
 * message that is not there. Written as RFC 5256 §4's {@code thread-list}; nothing here recurses, so a chain of
 * replies 100,000 deep costs heap, not stack.
 */
public final class ThreadTree {

    /** A message (or, with none, a dummy) and its replies. */
    static final class Node {
        SortMessage message;
        Node parent;
        List<Node> children = List.of();

        Node(SortMessage message) {
            this.message = message;
        }

        boolean dummy() {
            return message == null;
        }

        void adopt(Node child) {
            if (children.isEmpty()) {
                children = new ArrayList<>(2);
            }
            child.parent = this;
            children.add(child);
        }

        void orphan() {
            if (parent != null) {
                parent.children.remove(this);
                parent = null;
            }
        }

        /** The message that orders and names this node: its own, or a dummy's first child's. */
        SortMessage representative() {
            Node n = this;
            while (n.message == null && !n.children.isEmpty()) {
                n = n.children.get(0);
            }
            return n.message;
        }
    }

    private final List<Node> roots;

    ThreadTree(List<Node> roots) {
        this.roots = List.copyOf(roots);
    }

    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /**
     * The thread list, each message written as {@code number.applyAsLong(position)}: a message and its only reply in
     * a row ({@code 1 2}), several replies each in parentheses ({@code 1 (2)(3)}), a dummy as nothing
     * ({@code ((1)(2))}) — as Cyrus writes them.
     */
    public void write(StringBuilder out, IntToLongFunction number) {
        Deque<Object> work = new ArrayDeque<>();
        work.push(new Siblings(roots, 0));
        while (!work.isEmpty()) {
            Object item = work.pop();
            if (item instanceof String s) {
                out.append(s);
            } else if (item instanceof Siblings s) {
                if (s.next < s.nodes.size()) {
                    work.push(new Siblings(s.nodes, s.next + 1));
                    work.push(")");
                    work.push(s.nodes.get(s.next));
                    work.push("(");
                }
            } else {
                Node n = (Node) item;
                if (!n.dummy()) {
                    out.append(number.applyAsLong(n.message.position()));
                    if (!n.children.isEmpty()) {
                        out.append(' ');
                    }
                }
                while (n.children.size() == 1) {
                    n = n.children.get(0);
                    if (!n.dummy()) {
                        out.append(number.applyAsLong(n.message.position()));
                        if (!n.children.isEmpty()) {
                            out.append(' ');
                        }
                    }
                }
                if (n.children.size() > 1) {
                    work.push(new Siblings(n.children, 0));
                }
            }
        }
    }

    /** The thread list with mailbox positions counted from 1 (sequence numbers of a session that sees them all). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        write(out, p -> p + 1L);
        return out.toString();
    }

    private record Siblings(List<Node> nodes, int next) {
    }
}
