using System;
using System.Collections.Generic;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>A module callable with one input.</summary>
            public interface IModule<T, TResult>
            {
                /// <summary>Runs the module (with its hooks).</summary>
                TResult call(T input1);
            }

            /// <summary>A module callable with two inputs.</summary>
            public interface IModule<T1, T2, TResult>
            {
                /// <summary>Runs the module (with its hooks).</summary>
                TResult call(T1 input1, T2 input2);
            }

            /// <summary>A module callable with three inputs.</summary>
            public interface IModule<T1, T2, T3, TResult>
            {
                /// <summary>Runs the module (with its hooks).</summary>
                TResult call(T1 input1, T2 input2, T3 input3);
            }

            /// <summary>A module with forward pre-hooks and post-hooks.</summary>
            public class HookableModule<TPreHook,TPostHook> : Module
            {
                private int nextHookId;

                /// <summary>Identifies a registered hook so that it can be removed.</summary>
                public class HookRemover
                {
                    private readonly Action removal;

                    internal HookRemover(Action removal) { this.removal = removal; }

                    /// <summary>Removes the hook.</summary>
                    public void remove() => removal();
                }

                protected HookableModule(string name) : base(name) { }

                /// <summary>Hooks run before forward; they may replace the input.</summary>
                protected Dictionary<string, TPreHook> pre_hooks = new();

                /// <summary>Hooks run after forward; they may replace the result.</summary>
                protected Dictionary<string, TPostHook> post_hooks = new();

                /// <summary>Registers a hook run after forward.</summary>
                public HookRemover register_forward_hook(TPostHook hook)
                {
                    string key = (nextHookId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    post_hooks[key] = hook;
                    return new HookRemover(() => post_hooks.Remove(key));
                }

                /// <summary>Registers a hook run before forward.</summary>
                public HookRemover register_forward_pre_hook(TPreHook hook)
                {
                    string key = (nextHookId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    pre_hooks[key] = hook;
                    return new HookRemover(() => pre_hooks.Remove(key));
                }
            }

            /// <summary>A module with one input: implement <see cref="forward"/>, invoke with <see cref="call"/>.</summary>
            public abstract class Module<T, TResult> : HookableModule<Func<Module<T, TResult>, T, T>, Func<Module<T, TResult>, T, TResult, TResult>>, IModule<T, TResult>
            {
                protected Module(string name) : base(name) { }

                /// <summary>The computation of the module.</summary>
                public abstract TResult forward(T input);

                /// <summary>Runs pre-hooks, <see cref="forward"/> and post-hooks.</summary>
                public TResult call(T input)
                {
                    foreach (var hook in pre_hooks.Values)
                    {
                        var modified = hook(this, input);
                        if (modified is not null) input = modified;
                    }
                    var result = forward(input);
                    foreach (var hook in post_hooks.Values)
                    {
                        var modified = hook(this, input, result);
                        if (modified is not null) result = modified;
                    }
                    return result;
                }
            }

            /// <summary>A module with two inputs: implement <see cref="forward"/>, invoke with <see cref="call"/>.</summary>
            public abstract class Module<T1, T2, TResult> : HookableModule<Func<Module<T1, T2, TResult>, T1, T2, (T1, T2)?>, Func<Module<T1, T2, TResult>, T1, T2, TResult, TResult>>, IModule<T1, T2, TResult>
            {
                protected Module(string name) : base(name) { }

                /// <summary>The computation of the module.</summary>
                public abstract TResult forward(T1 input1, T2 input2);

                /// <summary>Runs pre-hooks, <see cref="forward"/> and post-hooks.</summary>
                public TResult call(T1 input1, T2 input2)
                {
                    foreach (var hook in pre_hooks.Values)
                    {
                        var modified = hook(this, input1, input2);
                        if (modified.HasValue) (input1, input2) = modified.Value;
                    }
                    var result = forward(input1, input2);
                    foreach (var hook in post_hooks.Values)
                    {
                        var modified = hook(this, input1, input2, result);
                        if (modified is not null) result = modified;
                    }
                    return result;
                }
            }

            /// <summary>A module with three inputs: implement <see cref="forward"/>, invoke with <see cref="call"/>.</summary>
            public abstract class Module<T1, T2, T3, TResult> : HookableModule<Func<Module<T1, T2, T3, TResult>, T1, T2, T3, (T1, T2, T3)?>, Func<Module<T1, T2, T3, TResult>, T1, T2, T3, TResult, TResult>>, IModule<T1, T2, T3, TResult>
            {
                protected Module(string name) : base(name) { }

                /// <summary>The computation of the module.</summary>
                public abstract TResult forward(T1 input1, T2 input2, T3 input3);

                /// <summary>Runs pre-hooks, <see cref="forward"/> and post-hooks.</summary>
                public TResult call(T1 input1, T2 input2, T3 input3)
                {
                    foreach (var hook in pre_hooks.Values)
                    {
                        var modified = hook(this, input1, input2, input3);
                        if (modified.HasValue) (input1, input2, input3) = modified.Value;
                    }
                    var result = forward(input1, input2, input3);
                    foreach (var hook in post_hooks.Values)
                    {
                        var modified = hook(this, input1, input2, input3, result);
                        if (modified is not null) result = modified;
                    }
                    return result;
                }
            }
        }
    }
}
