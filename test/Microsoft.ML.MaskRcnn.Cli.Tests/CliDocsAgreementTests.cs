using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Cli.Tests
{
    /// <summary>docs/cli.md and the parser agree: every option and default the docs list is the one <c>--help</c> shows.</summary>
    [TestClass]
    public sealed class CliDocsAgreementTests
    {
        private static readonly string[] Commands = { "train", "evaluate", "predict", "export" };

        /// <summary>An option as <c>--help</c> shows it: its value placeholder (null for a flag), default, whether required.</summary>
        private sealed record HelpOption(string? Value, string? Default, bool Required);

        private static string DocsText()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "docs", "cli.md");
                if (File.Exists(path)) return File.ReadAllText(path);
            }
            throw new FileNotFoundException("docs/cli.md is not found above " + AppContext.BaseDirectory);
        }

        /// <summary>The options of <c>maskrcnn COMMAND --help</c>, read from its option lines.</summary>
        private static Dictionary<string, HelpOption> HelpOptions(string command)
        {
            var run = CliRun.Of(command, "--help");
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            var options = new Dictionary<string, HelpOption>(StringComparer.Ordinal);
            foreach (Match m in Regex.Matches(run.Out, @"^  --([a-z-]+)(?: <([A-Z]+)>)?\s{2,}(.*)$", RegexOptions.Multiline))
            {
                string text = m.Groups[3].Value.TrimEnd();
                var fallback = Regex.Match(text, @"\(default: (.*)\)$");
                options[m.Groups[1].Value] = new HelpOption(m.Groups[2].Success ? m.Groups[2].Value : null,
                                                            fallback.Success ? fallback.Groups[1].Value : null, text.EndsWith("(required)", StringComparison.Ordinal));
            }
            Assert.IsTrue(options.Count > 3, run.Out);
            return options;
        }

        /// <summary>The option rows of the table in the docs section of <paramref name="command"/>: option cell and default cell.</summary>
        private static List<(string Options, string Default)> DocsRows(string docs, string command)
        {
            int start = docs.IndexOf($"## `maskrcnn {command}`", StringComparison.Ordinal);
            Assert.IsTrue(start >= 0, $"docs/cli.md has a section for {command}");
            int end = docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            string section = end < 0 ? docs[start..] : docs[start..end];
            return section.Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal))
                          .Select(l => l.Split('|'))
                          .Select(cells => (cells[1].Trim(), cells[2].Trim().Replace("`", "")))
                          .ToList();
        }

        [TestMethod]
        public void EveryOptionAndDefaultThatTheDocsListIsTheParsers()
        {
            string docs = DocsText();
            int checkedRows = 0;
            foreach (var command in Commands)
            {
                var help = HelpOptions(command);
                foreach (var (cell, docsDefault) in DocsRows(docs, command))
                {
                    var named = Regex.Matches(cell, @"--([a-z-]+)(?: ([A-Z]+))?").Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Success ? m.Groups[2].Value : null)).ToList();
                    foreach (var (name, value) in named)
                    {
                        Assert.IsTrue(help.TryGetValue(name, out var option), $"docs/cli.md lists '{command} --{name}', which the parser does not have");
                        Assert.AreEqual(option.Value, value, $"{command} --{name}: the value placeholder");
                        string expected = option.Required ? "required" : option.Default ?? (option.Value is null ? "off" : "");
                        if (named.Count == 1) Assert.AreEqual(expected, docsDefault, $"{command} --{name}: the default in docs/cli.md and in --help");
                        else Assert.AreEqual("", expected + docsDefault, $"{command}: a row naming several options ({cell}) is for options without defaults");
                    }
                    checkedRows++;
                }
            }
            Assert.IsTrue(checkedRows >= 25, $"only {checkedRows} rows were found: has the table format changed?");
        }

        [TestMethod]
        public void EveryOptionOfTheParserIsDocumented()
        {
            string docs = DocsText();
            foreach (var command in Commands)
                foreach (var name in HelpOptions(command).Keys.Where(n => n != "help"))
                    Assert.IsTrue(Regex.IsMatch(docs, $"--{name}(?![a-z-])"), $"'{command} --{name}' is not in docs/cli.md");
        }
    }
}
