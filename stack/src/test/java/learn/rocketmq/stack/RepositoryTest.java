package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository's promises, checked on every build (no RocketMQ needed): every lesson can be
 * found by its name, says which roadmap item it teaches, is proven by a test and listed in the
 * README; every link in the README leads to a file. A lesson is what {@code ./lesson} runs: a class
 * with a {@code main} in a lesson module.
 */
class RepositoryTest {

    private static final List<String> LESSON_MODULES =
        List.of("phase3-basics", "phase4-advanced", "phase5-production", "phase6-internals", "phase7-patterns", "projects", "spring-boot");

    private static Path root;
    private static List<Path> lessons;
    private static String testSources;
    private static String readme;

    @BeforeAll
    static void readRepository() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("stack/pom.xml"))) {
            root = root.getParent();
        }
        lessons = new ArrayList<>();
        StringBuilder tests = new StringBuilder();
        for (String module : LESSON_MODULES) {
            for (Path file : javaFiles(root.resolve(module).resolve("src/main/java"))) {
                if (Files.readString(file).contains("static void main(")) {
                    lessons.add(file);
                }
            }
            for (Path file : javaFiles(root.resolve(module).resolve("src/test/java"))) {
                tests.append(Files.readString(file)).append('\n');
            }
        }
        testSources = tests.toString();
        readme = Files.readString(root.resolve("README.md"));
        assertThat(lessons).as("lessons found").hasSizeGreaterThan(50);
    }

    @Test
    void everyLessonNameIsUniqueAcrossModules() {
        // ./lesson NAME runs the first class of that name: two would make one unreachable.
        Map<String, List<String>> byName = lessons.stream().collect(Collectors.groupingBy(RepositoryTest::name, TreeMap::new,
            Collectors.mapping(f -> root.relativize(f).toString(), Collectors.toList())));
        assertThat(byName).allSatisfy((name, files) -> assertThat(files).as("lessons named %s", name).hasSize(1));
    }

    @Test
    void everyLessonSaysWhichRoadmapItemItTeaches() {
        assertThat(lessons).allSatisfy(f -> assertThat(Files.readString(f)).as("%s", root.relativize(f))
            .containsPattern("(?m)^ \\* Roadmap: \\S"));
    }

    @Test
    void everyLessonIsNamedByATest() {
        assertThat(lessons).allSatisfy(f -> assertThat(testSources).as("a test naming %s", name(f))
            .containsPattern("\\b" + Pattern.quote(name(f)) + "\\b"));
    }

    @Test
    void everyLessonHasARowInTheReadmeTableLinkingToIt() {
        assertThat(lessons).allSatisfy(f -> assertThat(readme).as("README row for %s", name(f))
            .contains("[`" + name(f) + "`](" + root.relativize(f).toString().replace('\\', '/') + ")"));
    }

    @Test
    void everyRelativeLinkInTheDocsResolvesToAFile() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("CONTRIBUTING.md"),
            root.resolve("phase2_guide.md"), root.resolve("stack/README.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            Matcher link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)").matcher(Files.readString(doc));
            while (link.find()) {
                String target = link.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:") && !Files.exists(doc.getParent().resolve(target))) {
                    broken.add(root.relativize(doc) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist").isEmpty();
    }

    @Test
    void everyLessonLivesInAPackageOfItsRoadmapSection() {
        // learn.rocketmq.<phase>.<section>: a module's root package holds no lesson.
        assertThat(lessons).allSatisfy(f -> assertThat(packageOf(f).split("\\.")).as("package of %s", name(f)).hasSize(4));
    }

    @Test
    void noLessonUsesAnotherLessonsCode() {
        // Shared code of a section is a class of its own (OrderTable, OrderService), not a lesson's
        // internals; links in comments are fine. A simple name another import brings in (the 5.x
        // PushConsumer interface, say) is not the lesson of that name.
        Map<String, Path> byName = lessons.stream().collect(Collectors.toMap(RepositoryTest::name, f -> f));
        List<String> borrowed = new ArrayList<>();
        for (Path lesson : lessons) {
            String source = read(lesson);
            String code = source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
            for (Map.Entry<String, Path> other : byName.entrySet()) {
                String n = other.getKey();
                if (n.equals(name(lesson)) || Pattern.compile("import [\\w.]+\\." + n + ";").matcher(source).find()
                    && !source.contains("import " + packageOf(other.getValue()) + "." + n + ";")) {
                    continue;
                }
                String body = code.replaceAll("import [^;]+;", " ");
                if (Pattern.compile("\\b" + n + "\\b").matcher(body).find()) {
                    borrowed.add(name(lesson) + " uses " + n);
                }
            }
        }
        assertThat(borrowed).as("lessons using another lesson's code").isEmpty();
    }

    @Test
    void lessonListShowsEveryLessonWithItsSection() throws Exception {
        Process list = new ProcessBuilder("bash", "lesson", "--list").directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(list.getInputStream().readAllBytes());
        assertThat(list.waitFor()).as("./lesson --list exit code; output:%n%s", output).isZero();
        Map<String, String> listed = new TreeMap<>();
        output.lines().skip(1).forEach(line -> {
            String[] columns = line.trim().split("\\s+");
            listed.put(columns[0], columns[1] + " " + columns[2]);
        });
        Map<String, String> expected = new TreeMap<>();
        for (Path lesson : lessons) {
            String module = root.relativize(lesson).getName(0).toString();
            expected.put(name(lesson), module + " " + packageOf(lesson).substring("learn.rocketmq.".length()));
        }
        assertThat(listed).isEqualTo(expected);
    }

    private static String packageOf(Path file) {
        Matcher m = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(read(file));
        return m.find() ? m.group(1) : "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String name(Path lesson) {
        String file = lesson.getFileName().toString();
        return file.substring(0, file.length() - ".java".length());
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
