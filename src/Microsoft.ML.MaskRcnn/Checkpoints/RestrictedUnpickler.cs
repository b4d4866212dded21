using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// A pickle virtual machine (protocols 0 to 4, the opcodes Python's pickler emits for plain data) that builds only
    /// plain .NET values and <see cref="StorageReference"/>/<see cref="TensorReference"/> records. It never imports or calls Python
    /// code: a GLOBAL outside <see cref="PickleGlobals"/> stops it with <see cref="DisallowedGlobalException"/>, and
    /// the opcodes that instantiate arbitrary classes (INST, OBJ, EXT*) are refused. Every malformed input becomes a
    /// <see cref="CheckpointFormatException"/> naming the file, the pickle and the byte offset.
    /// </summary>
    internal sealed class RestrictedUnpickler
    {
        private const int MaxLineLength = 1 << 16;
        private const int HighestProtocol = 5;

        private readonly Stream input;
        private readonly string filePath;
        private readonly string pickleName;
        private readonly Func<object?, object?> persistentLoad;
        private readonly Dictionary<long, object?> memo = new();
        private readonly Stack<List<object?>> metastack = new();
        private readonly HashSet<object> attributeDictionaries = new(ReferenceEqualityComparer.Instance);
        private List<object?> stack = new();
        private long opcodeOffset;

        /// <param name="input">Positioned at the pickle's first byte; left just after its STOP opcode.</param>
        /// <param name="filePath">The checkpoint file, for messages.</param>
        /// <param name="pickleName">Which pickle of the file this is (for example <c>data.pkl</c>), for messages.</param>
        /// <param name="persistentLoad">Resolves a persistent id (BINPERSID); null when the pickle may hold none.</param>
        public RestrictedUnpickler(Stream input, string filePath, string pickleName, Func<object?, object?>? persistentLoad = null)
        {
            this.input = input;
            this.filePath = filePath;
            this.pickleName = pickleName;
            this.persistentLoad = persistentLoad ?? (_ => throw new InvalidDataException("This pickle may not refer to storages."));
        }

        /// <summary>Runs the pickle to its STOP opcode and returns the object it built.</summary>
        public object? Load()
        {
            while (true)
            {
                opcodeOffset = input.Position;
                int opcode = input.ReadByte();
                if (opcode < 0) throw Corrupt("the pickle ends before its STOP opcode (the file is truncated)");
                try
                {
                    if (Step((byte)opcode)) return Pop();
                }
                catch (CheckpointFormatException) { throw; }
                catch (Exception e) when (e is InvalidDataException or InvalidCastException or ArgumentException or KeyNotFoundException
                                              or OverflowException or FormatException or DecoderFallbackException)
                {
                    throw Corrupt($"{e.Message} (opcode 0x{opcode:x2})", e);
                }
                catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or NullReferenceException)
                {
                    // Not expected from any input; still the caller's file is at fault, not the process.
                    throw Corrupt($"the pickle is malformed ({e.GetType().Name}: {e.Message}) (opcode 0x{opcode:x2})", e);
                }
            }
        }

        /// <summary>Executes one opcode; true at STOP.</summary>
        private bool Step(byte opcode)
        {
            switch (opcode)
            {
                // ---- framing --------------------------------------------------------------------------------
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > HighestProtocol) throw new InvalidDataException($"Pickle protocol {protocol} is newer than this reader knows.");
                    return false;
                case 0x95: ReadExactly(8); return false; // FRAME: a length hint only
                case (byte)'.': return true; // STOP

                // ---- stack manipulation -------------------------------------------------------------------
                case (byte)'(': metastack.Push(stack); stack = new List<object?>(); return false; // MARK
                case (byte)'0': if (stack.Count > 0) stack.RemoveAt(stack.Count - 1); else PopMark(); return false; // POP
                case (byte)'1': PopMark(); return false; // POP_MARK
                case (byte)'2': Push(Peek()); return false; // DUP

                // ---- constants and numbers ----------------------------------------------------------------
                case (byte)'N': Push(null); return false; // NONE
                case 0x88: Push(true); return false; // NEWTRUE
                case 0x89: Push(false); return false; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(4))); return false; // BININT
                case (byte)'K': Push((long)ReadByte()); return false; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadExactly(2))); return false; // BININT2
                case 0x8a: Push(DecodeLong(ReadExactly(ReadByte()))); return false; // LONG1
                case 0x8b: Push(DecodeLong(ReadExactly(ReadLength(4)))); return false; // LONG4
                case (byte)'I': Push(ParseIntLine(ReadLine())); return false; // INT
                case (byte)'L': Push(Normalize(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); return false; // LONG
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadExactly(8))); return false; // BINFLOAT
                case (byte)'F': Push(double.Parse(ReadLine(), NumberStyles.Float, CultureInfo.InvariantCulture)); return false; // FLOAT

                // ---- strings and bytes --------------------------------------------------------------------
                case (byte)'X': Push(Utf8(ReadExactly(ReadLength(4)))); return false; // BINUNICODE
                case 0x8c: Push(Utf8(ReadExactly(ReadByte()))); return false; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(ReadExactly(ReadLength(8)))); return false; // BINUNICODE8
                case (byte)'V': Push(DecodeRawUnicodeEscape(ReadLine(Encoding.Latin1))); return false; // UNICODE
                case (byte)'T': Push(Latin1(ReadExactly(ReadLength(4)))); return false; // BINSTRING (Python 2 str)
                case (byte)'U': Push(Latin1(ReadExactly(ReadByte()))); return false; // SHORT_BINSTRING (Python 2 str)
                case (byte)'B': Push(ReadExactly(ReadLength(4))); return false; // BINBYTES
                case (byte)'C': Push(ReadExactly(ReadByte())); return false; // SHORT_BINBYTES
                case 0x8e: Push(ReadExactly(ReadLength(8))); return false; // BINBYTES8
                case 0x96: Push(ReadExactly(ReadLength(8))); return false; // BYTEARRAY8

                // ---- containers ---------------------------------------------------------------------------
                case (byte)')': Push(Array.Empty<object?>()); return false; // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); return false; // TUPLE
                case 0x85: Push(new[] { Pop() }); return false; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); return false; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); return false; } // TUPLE3
                case (byte)']': Push(new List<object?>()); return false; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); return false; // LIST
                case (byte)'a': { var item = Pop(); TargetList().Add(item); return false; } // APPEND
                case (byte)'e': { var items = PopMark(); TargetList().AddRange(items); return false; } // APPENDS
                case (byte)'}': Push(PythonValues.NewDictionary()); return false; // EMPTY_DICT
                case (byte)'d': { var d = PythonValues.NewDictionary(); SetItems(d, PopMark()); Push(d); return false; } // DICT
                case (byte)'s': { var value = Pop(); var key = Pop(); TargetDictionary()[PythonValues.Key(key)] = value; return false; } // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(TargetDictionary(), items); return false; } // SETITEMS
                case 0x8f: Push(PythonValues.NewSet()); return false; // EMPTY_SET
                case 0x90: { var items = PopMark(); var set = TargetSet(); foreach (var i in items) set.Add(PythonValues.Key(i)); return false; } // ADDITEMS
                case 0x91: { var set = PythonValues.NewSet(); foreach (var i in PopMark()) set.Add(PythonValues.Key(i)); Push(set); return false; } // FROZENSET

                // ---- memo ---------------------------------------------------------------------------------
                case (byte)'p': memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); return false; // PUT
                case (byte)'q': memo[ReadByte()] = Peek(); return false; // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadExactly(4))] = Peek(); return false; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); return false; // MEMOIZE
                case (byte)'g': Push(MemoGet(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); return false; // GET
                case (byte)'h': Push(MemoGet(ReadByte())); return false; // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadExactly(4)))); return false; // LONG_BINGET

                // ---- globals, calls and objects -------------------------------------------------------------
                case (byte)'c': { var module = ReadLine(); var name = ReadLine(); Push(ResolveGlobal(module, name)); return false; } // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string ?? throw new InvalidDataException("STACK_GLOBAL expects a string name.");
                    var module = Pop() as string ?? throw new InvalidDataException("STACK_GLOBAL expects a string module.");
                    Push(ResolveGlobal(module, name));
                    return false;
                }
                case (byte)'R': { var args = Pop(); var function = Pop(); Push(CallGlobal(function, args)); return false; } // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); Push(Construct(cls, args)); return false; } // NEWOBJ
                case 0x92: // NEWOBJ_EX
                {
                    var kwargs = Pop();
                    var args = Pop();
                    var cls = Pop();
                    if (kwargs is OrderedDictionary<object, object?> { Count: > 0 })
                        throw new InvalidDataException("Objects created with keyword arguments are not supported.");
                    Push(Construct(cls, args));
                    return false;
                }
                case (byte)'b': { var state = Pop(); Build(Peek(), state); return false; } // BUILD
                case (byte)'Q': Push(persistentLoad(Pop())); return false; // BINPERSID
                case (byte)'P': Push(persistentLoad(ReadLine())); return false; // PERSID

                case (byte)'i' or (byte)'o':
                    throw Corrupt($"the pickle uses opcode '{(char)opcode}' (INST/OBJ), which instantiates arbitrary classes and is refused");
                case 0x82 or 0x83 or 0x84:
                    throw Corrupt("the pickle uses the extension registry (EXT1/EXT2/EXT4), which is refused");
                case (byte)'S':
                    throw Corrupt("the pickle holds a Python 2 text string (STRING opcode), which is not supported; re-save the checkpoint with Python 3");
                default:
                    throw Corrupt($"unknown or unsupported pickle opcode 0x{opcode:x2}");
            }
        }

        // ---- globals ------------------------------------------------------------------------------------

        private object ResolveGlobal(string module, string name)
        {
            var value = PickleGlobals.Resolve(module, name);
            if (value is not null) return value;
            string global = module + "." + name;
            if (module is "torch" or "torch.storage" && ElementSizes.RefusedStorageClasses.Contains(name))
                throw new DisallowedGlobalException(filePath, global,
                    $"the pickle '{pickleName}' holds tensors stored as {global}; complex and quantized tensors are not supported.");
            if (module == "torch._utils")
                throw new DisallowedGlobalException(filePath, global,
                    $"the pickle '{pickleName}' rebuilds a tensor with {global}; only dense CPU-restorable tensors are supported " +
                    "(not quantized, sparse, meta, nested or device-specific ones).");
            string hint = module.StartsWith("torch", StringComparison.Ordinal) || module.StartsWith("torchvision", StringComparison.Ordinal)
                ? " The file probably holds a whole pickled Python object (for example torch.save(model)); save model.state_dict() instead."
                : module.StartsWith("numpy", StringComparison.Ordinal)
                    ? " NumPy values are not supported; store Python numbers or tensors instead."
                    : "";
            throw new DisallowedGlobalException(filePath, global,
                $"the pickle '{pickleName}' refers to the Python global {global}, which is not on the reader's allowlist " +
                $"(it never imports or runs Python code).{hint}");
        }

        private static object? CallGlobal(object? function, object? args)
        {
            if (function is not PythonGlobal { Call: { } call } g)
                throw new InvalidDataException($"Calling {PythonValues.Describe(function)} is not allowed.");
            return call(PythonValues.ToTuple(args, $"argument list of {g.FullName}"));
        }

        private object? Construct(object? cls, object? args)
        {
            if (cls is not PythonGlobal { Construct: { } construct } g)
                throw new InvalidDataException($"Creating an instance of {PythonValues.Describe(cls)} is not allowed.");
            var result = construct(PythonValues.ToTuple(args, $"argument list of {g.FullName}"));
            if (g.AttributesAreEntries && result is not null) attributeDictionaries.Add(result);
            return result;
        }

        /// <summary>
        /// BUILD sets an object's state. Only dictionaries are accepted: instance attributes of an OrderedDict (such as
        /// the <c>_metadata</c> of a state dict) are dropped, those of an argparse.Namespace become its entries.
        /// </summary>
        private void Build(object? target, object? state)
        {
            if (target is not OrderedDictionary<object, object?> dictionary)
                throw new InvalidDataException($"Setting the state of {PythonValues.Describe(target)} is not supported.");
            var attributes = state switch
            {
                null => null,
                OrderedDictionary<object, object?> d => d,
                object?[] { Length: 2 } pair => pair[0] as OrderedDictionary<object, object?>,
                _ => throw new InvalidDataException($"An object's state is {PythonValues.Describe(state)}, not a dictionary."),
            };
            if (attributes is null || !attributeDictionaries.Contains(dictionary)) return;
            foreach (var (key, value) in attributes) dictionary[key] = value;
        }

        // ---- stack helpers ------------------------------------------------------------------------------

        private void Push(object? value) => stack.Add(value);

        private object? Pop()
        {
            if (stack.Count == 0) throw new InvalidDataException("The pickle pops from an empty stack.");
            var value = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return value;
        }

        private object? Peek() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException("The pickle reads from an empty stack.");

        private List<object?> PopMark()
        {
            if (metastack.Count == 0) throw new InvalidDataException("The pickle has no MARK to return to.");
            var items = stack;
            stack = metastack.Pop();
            return items;
        }

        private List<object?> TargetList() =>
            Peek() as List<object?> ?? throw new InvalidDataException($"APPEND needs a list, found {PythonValues.Describe(Peek())}.");

        private OrderedDictionary<object, object?> TargetDictionary() =>
            Peek() as OrderedDictionary<object, object?> ?? throw new InvalidDataException($"SETITEM needs a dict, found {PythonValues.Describe(Peek())}.");

        private HashSet<object?> TargetSet() =>
            Peek() as HashSet<object?> ?? throw new InvalidDataException($"ADDITEMS needs a set, found {PythonValues.Describe(Peek())}.");

        private static void SetItems(OrderedDictionary<object, object?> dictionary, List<object?> items)
        {
            if (items.Count % 2 != 0) throw new InvalidDataException("SETITEMS has an odd number of items.");
            for (int i = 0; i < items.Count; i += 2) dictionary[PythonValues.Key(items[i])] = items[i + 1];
        }

        private object? MemoGet(long index) =>
            memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"The pickle refers to memo entry {index}, which was never stored.");

        // ---- reading ------------------------------------------------------------------------------------

        private int ReadByte()
        {
            int b = input.ReadByte();
            if (b < 0) throw Corrupt("the pickle ends in the middle of an opcode (the file is truncated)");
            return b;
        }

        private long ReadLength(int width)
        {
            var bytes = ReadExactly(width);
            ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            long remaining = input.Length - input.Position;
            if (length > (ulong)remaining)
                throw Corrupt($"an item claims {length} bytes but only {remaining} remain (the file is truncated or corrupt)");
            return (long)length;
        }

        private byte[] ReadExactly(long count)
        {
            if (count > int.MaxValue) throw Corrupt($"an item of {count} bytes is too large");
            var buffer = new byte[count];
            try
            {
                input.ReadExactly(buffer);
            }
            catch (EndOfStreamException e)
            {
                throw Corrupt("the pickle ends in the middle of an item (the file is truncated)", e);
            }
            return buffer;
        }

        private string ReadLine() => ReadLine(new UTF8Encoding(false, throwOnInvalidBytes: true));

        private string ReadLine(Encoding encoding)
        {
            var bytes = new List<byte>();
            while (true)
            {
                int b = ReadByte();
                if (b == '\n') break;
                if (bytes.Count >= MaxLineLength) throw Corrupt("a text line of the pickle is too long");
                bytes.Add((byte)b);
            }
            return encoding.GetString(bytes.ToArray());
        }

        private static string Utf8(byte[] bytes) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);

        private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

        private static object DecodeLong(byte[] littleEndianTwosComplement) =>
            littleEndianTwosComplement.Length == 0 ? 0L : Normalize(new BigInteger(littleEndianTwosComplement, isUnsigned: false, isBigEndian: false));

        private static object Normalize(BigInteger value) => value >= long.MinValue && value <= long.MaxValue ? (long)value : value;

        private static object ParseIntLine(string line) => line switch
        {
            "01" => true,
            "00" => false,
            _ => Normalize(BigInteger.Parse(line, CultureInfo.InvariantCulture)),
        };

        /// <summary>Python's raw-unicode-escape: latin-1 text with \uXXXX and \UXXXXXXXX escapes.</summary>
        private static string DecodeRawUnicodeEscape(string line)
        {
            var builder = new StringBuilder(line.Length);
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length && (line[i + 1] == 'u' || line[i + 1] == 'U'))
                {
                    int digits = line[i + 1] == 'u' ? 4 : 8;
                    if (i + 2 + digits > line.Length) throw new InvalidDataException("A truncated \\u escape in a UNICODE string.");
                    int code = int.Parse(line.AsSpan(i + 2, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    builder.Append(char.ConvertFromUtf32(code));
                    i += 1 + digits;
                }
                else builder.Append(line[i]);
            }
            return builder.ToString();
        }

        private CheckpointFormatException Corrupt(string problem, Exception? inner = null) =>
            new(filePath, $"{problem} (pickle '{pickleName}', byte {opcodeOffset}).", inner);
    }
}
