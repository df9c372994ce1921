package org.murder.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A message's flags: the five system flags a client can set (\Recent is per session, never stored)
 * and keywords. Keyword comparison is case-insensitive (RFC 3501); their first spelling is kept.
 */
public record MessageFlags(boolean seen, boolean answered, boolean flagged, boolean deleted, boolean draft,
                           List<String> keywords) {

    public static final MessageFlags NONE = new MessageFlags(false, false, false, false, false, List.of());

    public MessageFlags {
        keywords = List.copyOf(keywords);
    }

    /** The 32 keyword-less combinations, shared: a big mailbox's index holds one reference a message, not a copy. */
    private static final MessageFlags[] PLAIN = new MessageFlags[32];

    static {
        for (int i = 0; i < 32; i++) {
            PLAIN[i] = new MessageFlags((i & 1) != 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0, (i & 16) != 0, List.of());
        }
    }

    public static MessageFlags of(boolean seen, boolean answered, boolean flagged, boolean deleted, boolean draft,
                                  List<String> keywords) {
        if (!keywords.isEmpty()) {
            return new MessageFlags(seen, answered, flagged, deleted, draft, keywords);
        }
        return PLAIN[(seen ? 1 : 0) | (answered ? 2 : 0) | (flagged ? 4 : 0) | (deleted ? 8 : 0) | (draft ? 16 : 0)];
    }

    /** From IMAP flag atoms such as {@code \Seen} or {@code $Forwarded}. */
    public static MessageFlags of(Collection<String> atoms) {
        boolean seen = false, answered = false, flagged = false, deleted = false, draft = false;
        Set<String> lower = new LinkedHashSet<>();
        List<String> keywords = new ArrayList<>();
        for (String a : atoms) {
            switch (a.toLowerCase(Locale.ROOT)) {
                case "\\seen" -> seen = true;
                case "\\answered" -> answered = true;
                case "\\flagged" -> flagged = true;
                case "\\deleted" -> deleted = true;
                case "\\draft" -> draft = true;
                case "\\recent" -> { } // not a client's to set
                default -> {
                    if (!a.startsWith("\\") && lower.add(a.toLowerCase(Locale.ROOT))) {
                        keywords.add(a);
                    }
                }
            }
        }
        return new MessageFlags(seen, answered, flagged, deleted, draft, keywords);
    }

    /** The atoms of the 32 keyword-less combinations, built once: FETCH FLAGS of a big mailbox asks for them a lot. */
    private static final List<List<String>> PLAIN_ATOMS = new ArrayList<>();

    static {
        for (int i = 0; i < 32; i++) {
            PLAIN_ATOMS.add(List.copyOf(PLAIN[i].build()));
        }
    }

    public List<String> atoms() {
        if (keywords.isEmpty()) {
            return PLAIN_ATOMS.get((seen ? 1 : 0) | (answered ? 2 : 0) | (flagged ? 4 : 0) | (deleted ? 8 : 0) | (draft ? 16 : 0));
        }
        return build();
    }

    private List<String> build() {
        List<String> out = new ArrayList<>();
        if (answered) {
            out.add("\\Answered");
        }
        if (flagged) {
            out.add("\\Flagged");
        }
        if (deleted) {
            out.add("\\Deleted");
        }
        if (seen) {
            out.add("\\Seen");
        }
        if (draft) {
            out.add("\\Draft");
        }
        out.addAll(keywords);
        return out;
    }

    public MessageFlags plus(MessageFlags o) {
        List<String> k = new ArrayList<>(keywords);
        Set<String> lower = lowerKeywords();
        for (String w : o.keywords) {
            if (lower.add(w.toLowerCase(Locale.ROOT))) {
                k.add(w);
            }
        }
        return new MessageFlags(seen || o.seen, answered || o.answered, flagged || o.flagged, deleted || o.deleted,
                draft || o.draft, k);
    }

    public MessageFlags minus(MessageFlags o) {
        Set<String> remove = o.lowerKeywords();
        return new MessageFlags(seen && !o.seen, answered && !o.answered, flagged && !o.flagged,
                deleted && !o.deleted, draft && !o.draft,
                keywords.stream().filter(w -> !remove.contains(w.toLowerCase(Locale.ROOT))).toList());
    }

    public MessageFlags withSeen(boolean s) {
        return new MessageFlags(s, answered, flagged, deleted, draft, keywords);
    }

    public boolean hasKeyword(String keyword) {
        return lowerKeywords().contains(keyword.toLowerCase(Locale.ROOT));
    }

    private Set<String> lowerKeywords() {
        Set<String> s = new LinkedHashSet<>();
        keywords.forEach(w -> s.add(w.toLowerCase(Locale.ROOT)));
        return s;
    }

    /** Same flags, keyword order and case aside. */
    public boolean sameAs(MessageFlags o) {
        return seen == o.seen && answered == o.answered && flagged == o.flagged && deleted == o.deleted
                && draft == o.draft && lowerKeywords().equals(o.lowerKeywords());
    }

    static List<String> splitKeywords(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split(" +"));
    }
}
