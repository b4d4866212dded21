using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp
{
    /// <summary>
    /// Collects the tensors created on this thread while it is the innermost scope and disposes them
    /// together. Results that must outlive the scope are moved out with <c>MoveToOuterDisposeScope()</c>.
    /// </summary>
    public sealed class DisposeScope : IDisposable
    {
        private readonly HashSet<IDisposable> disposables = new HashSet<IDisposable>(ReferenceEqualityComparer.Instance);
        private readonly DisposeScopeManager manager;
        private bool disposed;

        internal DisposeScope(DisposeScopeManager manager, DisposeScope? outer)
        {
            this.manager = manager;
            OuterScope = outer;
        }

        internal DisposeScope? OuterScope { get; }

        /// <summary>How many disposables the scope currently owns.</summary>
        public int DisposablesCount => disposables.Count;

        /// <summary>Whether the scope owns the given disposable.</summary>
        public bool Contains(IDisposable disposable) => disposables.Contains(disposable);

        /// <summary>Moves a disposable to the enclosing scope (or out of all scopes when there is none).</summary>
        public T MoveToOuter<T>(T disposable) where T : IDisposable
        {
            MoveTo(OuterScope, disposable);
            return disposable;
        }

        /// <summary>Moves two disposables to the enclosing scope.</summary>
        public (T1 first, T2 second) MoveToOuter<T1, T2>(T1 first, T2 second) where T1 : IDisposable where T2 : IDisposable
        {
            MoveTo(OuterScope, first);
            MoveTo(OuterScope, second);
            return (first, second);
        }

        /// <summary>Moves three disposables to the enclosing scope.</summary>
        public (T1 first, T2 second, T3 third) MoveToOuter<T1, T2, T3>(T1 first, T2 second, T3 third)
            where T1 : IDisposable where T2 : IDisposable where T3 : IDisposable
        {
            MoveTo(OuterScope, first);
            MoveTo(OuterScope, second);
            MoveTo(OuterScope, third);
            return (first, second, third);
        }

        /// <summary>Moves disposables to the enclosing scope.</summary>
        public void MoveToOuter(params IDisposable[] disposables) => MoveToOuter((IEnumerable<IDisposable>)disposables);

        /// <summary>Moves disposables to the enclosing scope.</summary>
        public void MoveToOuter(IEnumerable<IDisposable> disposables)
        {
            foreach (var d in disposables) MoveTo(OuterScope, d);
        }

        /// <summary>Moves a disposable to another scope (or out of all scopes when null).</summary>
        public T MoveToOther<T>(DisposeScope? scope, T disposable) where T : IDisposable
        {
            MoveTo(scope, disposable);
            return disposable;
        }

        /// <summary>Moves disposables to another scope (or out of all scopes when null).</summary>
        public void MoveToOther(DisposeScope? scope, params IDisposable[] disposables)
        {
            foreach (var d in disposables) MoveTo(scope, d);
        }

        /// <summary>Removes a disposable from the scope without disposing it.</summary>
        public T Detach<T>(T disposable) where T : IDisposable
        {
            MoveTo(null, disposable);
            return disposable;
        }

        /// <summary>Removes disposables from the scope without disposing them.</summary>
        public void Detach(params IDisposable[] disposables)
        {
            foreach (var d in disposables) MoveTo(null, d);
        }

        /// <summary>Adds a disposable to this scope, taking it from any scope that owned it.</summary>
        public void Attach(IDisposable disposable) => MoveTo(this, disposable);

        /// <summary>Disposes everything the scope owns; the scope stays usable.</summary>
        public void DisposeEverything() => DisposeEverythingBut(Array.Empty<IDisposable>());

        /// <summary>Disposes everything the scope owns except the given disposables, which stay in the scope.</summary>
        public void DisposeEverythingBut(params IDisposable[] keep) => DisposeEverythingBut((IEnumerable<IDisposable>)keep);

        /// <summary>Disposes everything the scope owns except the given disposables, which stay in the scope.</summary>
        public void DisposeEverythingBut(IEnumerable<IDisposable> inKeep)
        {
            var keep = new HashSet<IDisposable>(inKeep, ReferenceEqualityComparer.Instance);
            foreach (var d in disposables.Where(d => !keep.Contains(d)).ToList())
            {
                disposables.Remove(d);
                Release(d);
            }
        }

        /// <summary>Disposes everything the scope owns except one disposable, which stays in the scope.</summary>
        public T DisposeEverythingBut<T>(T keep) where T : IDisposable
        {
            DisposeEverythingBut(new IDisposable[] { keep });
            return keep;
        }

        /// <summary>Forgets a disposable that was disposed by other means.</summary>
        public void MarkAsDisposed(IDisposable disposable) => disposables.Remove(disposable);

        /// <summary>Disposes everything the scope owns and closes the scope.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            foreach (var d in disposables.ToList()) Release(d);
            disposables.Clear();
            manager.Close(this);
        }

        internal void Register(IDisposable disposable) => disposables.Add(disposable);

        private static void Release(IDisposable disposable)
        {
            if (disposable is torch.Tensor tensor) tensor.OwningScope = null;
            disposable.Dispose();
        }

        private void MoveTo(DisposeScope? target, IDisposable disposable)
        {
            if (disposable is torch.Tensor tensor)
            {
                tensor.OwningScope?.disposables.Remove(tensor);
                tensor.OwningScope = target;
            }
            else
            {
                disposables.Remove(disposable);
            }
            target?.disposables.Add(disposable);
        }
    }

    /// <summary>Keeps each thread's stack of dispose scopes.</summary>
    public class DisposeScopeManager
    {
        [ThreadStatic] private static DisposeScopeManager? threadSingleton;

        private readonly List<DisposeScope> scopes = new List<DisposeScope>();

        internal static DisposeScopeManager ThreadSingleton => threadSingleton ??= new DisposeScopeManager();

        internal DisposeScope? CurrentScope => scopes.Count == 0 ? null : scopes[scopes.Count - 1];

        internal DisposeScope NewDisposeScope()
        {
            var scope = new DisposeScope(this, CurrentScope);
            scopes.Add(scope);
            return scope;
        }

        // Scopes normally close innermost-first; one closed out of order is simply removed.
        internal void Close(DisposeScope scope) => scopes.Remove(scope);

        internal static void RegisterOnCurrentScope(torch.Tensor tensor)
        {
            var scope = threadSingleton?.CurrentScope;
            if (scope == null) return;
            scope.Register(tensor);
            tensor.OwningScope = scope;
        }
    }
}
