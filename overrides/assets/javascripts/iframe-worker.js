/* Search for the offline copy of the book (make offline), opened from disk.
 *
 * Material runs its search in a Web Worker, and a browser starts no worker for a page opened
 * from a file:// address. There this script takes the place of `Worker`: the worker's script
 * runs in a hidden frame of the page, and the two sides pass their messages to each other
 * directly. Material's offline plugin would otherwise load a polyfill like this one from a CDN,
 * which a copy meant for reading without the internet must not do. The search worker recognises
 * it by the name `IFrameWorker`, finds its language files next to its own <script>, and awaits
 * `importScripts`, which here loads the scripts one after another and returns a promise.
 * Served over http(s), this script does nothing.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function loadScript(frameDocument, url) {
    return new Promise(function (resolve, reject) {
      var script = frameDocument.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + url)); };
      frameDocument.head.appendChild(script);
    });
  }

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this.waiting = [];
      this.started = false;
      this.frame = document.createElement("iframe");
      this.frame.hidden = true;
      this.frame.tabIndex = -1;
      this.frame.setAttribute("aria-hidden", "true");
      this.frame.title = "search";
      document.body.appendChild(this.frame);

      var worker = this;
      var inner = this.frame.contentWindow;
      var frameDocument = inner.document;
      // what the worker's script calls: its messages come here, and the scripts it asks for load in order
      inner.postMessage = function (data) {
        setTimeout(function () { worker.deliver(new MessageEvent("message", { data: data })); });
      };
      inner.importScripts = function () {
        var urls = Array.prototype.slice.call(arguments);
        return urls.reduce(function (done, next) {
          return done.then(function () { return loadScript(frameDocument, new URL(next, location.href).href); });
        }, Promise.resolve());
      };
      loadScript(frameDocument, new URL(url, location.href).href).then(function () {
        worker.started = true;
        worker.waiting.splice(0).forEach(function (data) { worker.postMessage(data); });
      }, function (error) {
        var event = new ErrorEvent("error", { message: String(error), error: error });
        if (worker.onerror) worker.onerror(event);
        worker.dispatchEvent(event);
      });
    }

    deliver(event) {
      if (this.onmessage) this.onmessage(event);
      this.dispatchEvent(event);
    }

    postMessage(data) {
      if (!this.started) {
        this.waiting.push(data);
        return;
      }
      var inner = this.frame.contentWindow;
      setTimeout(function () { inner.dispatchEvent(new inner.MessageEvent("message", { data: data })); });
    }

    terminate() {
      this.frame.remove();
    }
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
