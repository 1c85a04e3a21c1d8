package org.llmworkbench.data;

import com.knuddels.jtokkit.Encodings;
import org.llmworkbench.datasets.Datasets;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/** The book's corpus, tokenized with GPT-2's BPE (r50k_base) by jtokkit as an independent reference. */
final class TheVerdict {
    private TheVerdict() {}

    static final Encoding GPT2 = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    private static String text;
    private static int[] ids;

    static synchronized String text() {
        if (text == null) {
            // Offline while reading: a test must never reach the real internet, even without a data dir.
            String before = System.getProperty(Datasets.OFFLINE_PROPERTY);
            System.setProperty(Datasets.OFFLINE_PROPERTY, "true");
            try {
                text = Datasets.readString("the-verdict");
            } finally {
                if (before == null) System.clearProperty(Datasets.OFFLINE_PROPERTY);
                else System.setProperty(Datasets.OFFLINE_PROPERTY, before);
            }
        }
        return text;
    }

    static synchronized int[] ids() {
        if (ids == null) ids = encode(text());
        return ids.clone();
    }

    static int[] encode(String s) {
        return GPT2.encode(s).toArray();
    }
}
