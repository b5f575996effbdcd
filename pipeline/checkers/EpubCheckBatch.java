// Runs EPUBCheck on several EPUBs in one JVM: Java start-up and EPUBCheck's warm-up
// (about 8 s) are paid once instead of once per file.
// Usage: java -cp epubcheck.jar EpubCheckBatch.java BOOK.epub REPORT.json [BOOK.epub REPORT.json ...]
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckBatch {
    public static void main(String[] args) {
        int worst = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String[] one = {args[i], "--quiet", "--locale", "en", "--json", args[i + 1]};
            worst = Math.max(worst, new EpubChecker().run(one));
        }
        System.exit(worst);
    }
}
